"""Who else has a conversation open, and who is writing a reply in it.

Kept in Django's cache (Redis in production, so every web process sees the same; this
process's memory otherwise), never in the database: it is only ever seconds old, and a
browser that vanishes without saying goodbye simply stops renewing it. Each person's
entry expires on its own; a small index per conversation says whose entries to read.
Two agents writing the index at the same instant can drop one of them from it until
that agent's next renewal (every ~20 s): presence is a hint, never a lock. While the
cache is down nobody is shown and nothing is recorded (`inbox.outage`): pages still render.
"""

import time
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from inbox import outage, realtime
from inbox.models import Conversation

# A page renews "viewing" every ~20 s while it is visible; two missed renewals end it.
TTL_SECONDS = 45
# "Typing" is renewed while keys are pressed; this long after the last one it is "viewing".
TYPING_SECONDS = 10
STATES = ("viewing", "typing", "left")
KEY_PREFIX = "socialcare:presence:"

State = Literal["viewing", "typing"]


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: State


def presence_set(*, conversation: Conversation, user: AbstractBaseUser, state: str) -> None:
    """Record what `user` is doing in `conversation`; tell its watchers when that changed."""
    if state not in STATES:
        raise ValueError(
            _("Presence is one of viewing, typing or left; got “%(state)s”.")
            % {"state": state[:20]}
        )
    now = _now()
    key = _entry_key(conversation.pk, user.pk)
    before = _state_of(outage.cache_get(key), now)
    if state == "left":
        outage.cache_delete(key)
        _index_update(conversation.pk, now, remove=user.pk)
        after = None
    else:
        entry = {
            "name": user.get_full_name() or user.get_username(),
            "typing_until": now + TYPING_SECONDS if state == "typing" else 0,
        }
        outage.cache_set(key, entry, TTL_SECONDS)
        _index_update(conversation.pk, now, add=user.pk)
        after = state
    if before != after:
        realtime.publish(
            realtime.account_streams(conversation.account_id, conversation.pk),
            {
                "type": "presence",
                "conversation": conversation.pk,
                "actor": user.pk,
                "state": after or "left",
            },
        )


def presence_for(*, conversation: Conversation, viewer: AbstractBaseUser) -> list[Presence]:
    """Everyone else on this conversation now: those replying first, then by name."""
    now = _now()
    index = outage.cache_get(_index_key(conversation.pk)) or {}
    others = [uid for uid, until in index.items() if until > now and uid != viewer.pk]
    if not others:
        return []
    entries = outage.cache_get_many([_entry_key(conversation.pk, uid) for uid in others])
    present = []
    for uid in others:
        entry = entries.get(_entry_key(conversation.pk, uid))
        state = _state_of(entry, now)
        if state is not None:
            present.append(Presence(user_id=uid, name=entry["name"], state=state))
    return sorted(present, key=lambda p: (p.state != "typing", p.name.casefold(), p.user_id))


def _state_of(entry: dict | None, now: float) -> State | None:
    if entry is None:
        return None
    return "typing" if entry["typing_until"] > now else "viewing"


def _index_update(
    conversation_id: int, now: float, *, add: int | None = None, remove: int | None = None
) -> None:
    key = _index_key(conversation_id)
    index = {uid: until for uid, until in (outage.cache_get(key) or {}).items() if until > now}
    if add is not None:
        index[add] = now + TTL_SECONDS
    if remove is not None:
        index.pop(remove, None)
    if index:
        outage.cache_set(key, index, TTL_SECONDS)
    else:
        outage.cache_delete(key)


def _index_key(conversation_id: int) -> str:
    return f"{KEY_PREFIX}{conversation_id}"


def _entry_key(conversation_id: int, user_id: int) -> str:
    return f"{KEY_PREFIX}{conversation_id}:{user_id}"


def _now() -> float:
    return time.time()
