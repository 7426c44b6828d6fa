"""The shapes of the demo's texts: one `Language` per market, each with its stories.

Texts are written for a coffee roaster with cafés and an online shop, "Helios Coffee".
Placeholders in texts: `{first}` (the customer's first name as one addresses them),
`{last}` (their surname), `{handle}` (the brand's handle on the channel, in mentions).
`[he form|she form]` picks by the customer's grammatical gender, for languages whose
first-person past tense or adjectives agree with the speaker (Russian, Belarusian, Hebrew).
"""

import re
from dataclasses import dataclass
from typing import Literal

Mood = Literal["complaint", "question", "praise"]
Gender = Literal["m", "f"]
# Topic -> the demo label it may carry (see generator.LABELS).
Topic = Literal["delivery", "refund", "product", "praise", "wholesale", "cafe", "jobs", "website"]

_GENDERED = re.compile(r"\[([^|\]]*)\|([^\]]*)\]")


@dataclass(frozen=True)
class Story:
    """One conversation's script: what the customer writes, our answer, their answer."""

    topic: Topic
    mood: Mood
    customer: tuple[str, ...]
    reply: str
    closing: str = ""
    # The customer sends a photo with their last message (a torn bag...).
    photo: bool = False
    # Comment threads: which of the language's posts the comment is under.
    post: int = 0


@dataclass(frozen=True)
class Post:
    """A post of the brand's, the context of a comment thread."""

    text: str
    picture_caption: str
    color: str


@dataclass(frozen=True)
class Name:
    native: str
    latin: str  # for handles
    address: str = ""  # the form used to address them (Greek vocative); native if empty

    @property
    def addressed(self) -> str:
        return self.address or self.native


@dataclass(frozen=True)
class Surname:
    male: str
    female: str
    latin: str


@dataclass(frozen=True)
class Language:
    code: str
    locale: str
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    surnames: tuple[Surname, ...]
    direct: tuple[Story, ...]
    comments: tuple[Story, ...]
    reviews: tuple[Story, ...]
    mentions: tuple[Story, ...]
    posts: tuple[Post, ...]
    # "{first} {last}" for most; Chinese writes the surname first, without a space.
    name_format: str = "{first} {last}"

    def stories(self, kind: str) -> tuple[Story, ...]:
        return {
            "direct": self.direct,
            "comment": self.comments,
            "review": self.reviews,
            "mention": self.mentions,
        }[kind]


def render(text: str, *, gender: Gender, **values: str) -> str:
    """Fill placeholders and pick the gendered forms."""
    text = _GENDERED.sub(lambda m: m.group(1) if gender == "m" else m.group(2), text)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text
