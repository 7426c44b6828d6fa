"""What the composer adds to an agent's text: canned placeholders filled, the sign-off.

Both run on the server so a reply from the API reads the same as one from the page.
"""

import re

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.models import Conversation
from inbox.selectors.agents import agent_profile_for

# The placeholders a canned response may hold, with what each becomes (shown on the form).
PLACEHOLDERS = {
    "customer_first_name": gettext_lazy("the customer's first name"),
    "customer_name": gettext_lazy("the customer's full name"),
    "agent_first_name": gettext_lazy("your first name"),
    "agent_name": gettext_lazy("your full name"),
    "page_name": gettext_lazy("the name of the page or account"),
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Where a placeholder had no value: its spaces go too, so "Hi {name}, thanks" reads "Hi, thanks".
_GAP = "\x00"
_GAPS = re.compile(rf"{_GAP}(?:[ \t]*{_GAP})+")
_GAP_AT_LINE_START = re.compile(rf"^[ \t]*{_GAP}[ \t]*(?:[,;:][ \t]*)?", re.MULTILINE)
_GAP_AT_LINE_END = re.compile(rf"[ \t]*{_GAP}[ \t]*$", re.MULTILINE)
_GAP_BEFORE_PUNCTUATION = re.compile(rf"[ \t]*{_GAP}[ \t]*(?=[,.!?;:…،。，！？、])")
_GAP_BETWEEN_WORDS = re.compile(rf"[ \t]*{_GAP}[ \t]*")


def placeholder_values(*, conversation: Conversation, agent: AbstractBaseUser) -> dict[str, str]:
    """Each placeholder's value for this customer and agent; empty when nobody told us."""
    identity = conversation.identity
    customer = conversation.contact.name or (identity.name if identity else "")
    agent_full = agent.get_full_name().strip()
    return {
        "customer_first_name": _first_word(customer),
        "customer_name": customer.strip(),
        "agent_first_name": agent_first_name(agent),
        "agent_name": agent_full or agent.get_username(),
        "page_name": conversation.account.name,
    }


def placeholders_fill(*, text: str, values: dict[str, str]) -> str:
    """Put the values in; an unknown {placeholder} stays as typed, a missing value goes away
    with its surrounding space so no gap or stray space is left in the sentence."""

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return values[name] or _GAP

    filled = PLACEHOLDER.sub(fill, text)
    if _GAP not in filled:
        return filled
    filled = _GAPS.sub(_GAP, filled)
    filled = _GAP_AT_LINE_START.sub("", filled)
    filled = _GAP_AT_LINE_END.sub("", filled)
    filled = _GAP_BEFORE_PUNCTUATION.sub("", filled)
    return _GAP_BETWEEN_WORDS.sub(" ", filled)


def agent_first_name(agent: AbstractBaseUser) -> str:
    return agent.first_name.strip() or _first_word(agent.get_full_name()) or agent.get_username()


def sign_off_for(agent: AbstractBaseUser | None) -> str:
    """The line signed under the agent's public replies, or "" when they turned it off."""
    if agent is None:
        return ""
    if not agent_profile_for(user=agent).sign_off:
        return ""
    return _("— %(name)s") % {"name": agent_first_name(agent)}


def text_signed(text: str, sign_off: str) -> str:
    return f"{text}\n{sign_off}" if sign_off else text


def _first_word(name: str) -> str:
    words = name.split()
    return words[0] if words else ""
