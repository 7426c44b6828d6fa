"""Every channel parser against random and mutated payloads (Hypothesis).

The property: parse returns a list of the project's own items, every field of the type it
declares (times within the bounds of inbox.parsing), or raises MalformedPayload, the one
refusal a parser is documented to raise. Never anything else: anything else would leave
an event to the retry path for a body that can never parse.

The payloads start from the captured fixtures and are mutated the way a hostile or broken
sender would: values replaced by huge or negative numbers, NaN, None, wrong types, text in
any script, keys dropped, lists where objects belong, deep nesting.
"""

import contextlib
import json
import types
import typing
from dataclasses import fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.adapters import get_adapter
from inbox.items import (
    DeliveryUpdate,
    InboundMessage,
    MessageUpdate,
    Reaction,
    Skipped,
    SubscriptionChange,
)
from inbox.models import WebhookEvent
from inbox.parsing import EPOCH, LATEST, MalformedPayload
from inbox.services.events import webhook_event_items
from tests.helpers import message_event, webhook_body
from tests.testchannel.adapter import KIND

TESTS = Path(__file__).parent
ITEM_TYPES = (InboundMessage, DeliveryUpdate, MessageUpdate, Reaction, SubscriptionChange, Skipped)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fixtures(channel: str) -> list[Any]:
    paths = sorted((TESTS / channel / "fixtures").glob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


SEEDS = {
    "facebook": fixtures("facebook"),
    "viber": fixtures("viber"),
    KIND: [
        json.loads(webhook_body(message_event("m1", text="Γεια"), message_event("m2"))),
        json.loads(webhook_body({"type": "delivery", "ids": ["m1"], "status": "read"})),
    ],
}
CHANNELS = sorted(SEEDS)


# --- payloads ------------------------------------------------------------------------------


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"deeper": value}
    return value


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30, -(10**30), 253_402_300_799_999]),
    st.floats(),  # NaN and the infinities included
    st.text(max_size=30),  # any script, control characters, lone surrogates
    st.sampled_from(["", "x" * 10_000, "\x00", "\ud800", "١٢٣", "1e400", "-5", " 12 "]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.integers(min_value=1, max_value=80).map(nested),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """The value with roughly one node in eight changed, dropped or wrapped."""
    change = draw(st.integers(min_value=0, max_value=23))
    if change == 0:
        return draw(HOSTILE)
    if change == 1:
        return [value]  # a list where an object or a value belongs
    if change == 2:
        return {"value": value}
    if isinstance(value, dict):
        kept = {k: v for k, v in value.items() if draw(st.integers(0, 15)) != 0}
        return {k: draw(mutated(v)) for k, v in kept.items()}
    if isinstance(value, list):
        return [draw(mutated(v)) for v in value]
    return value


def payloads(channel: str) -> st.SearchStrategy[Any]:
    seeds = st.sampled_from(SEEDS[channel])
    return st.one_of(seeds.flatmap(mutated), JSON, HOSTILE)


# --- the property ----------------------------------------------------------------------------


def parse(channel: str, payload: Any) -> list:
    return get_adapter(channel).parse(payload, account_external_id="the-account")


def check_value(value: Any, hint: Any, where: str) -> None:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        assert value in args, f"{where}: {value!r} is none of {args}"
    elif origin in (types.UnionType, typing.Union):
        if value is not None:
            check_value(value, next(a for a in args if a is not type(None)), where)
    elif origin is tuple:
        assert isinstance(value, tuple), f"{where}: {type(value).__name__}, not a tuple"
        for member in value:
            check_value(member, args[0], f"{where}[]")
    elif hint is datetime:
        assert isinstance(value, datetime) and value.tzinfo is not None, f"{where}: {value!r}"
        assert EPOCH <= value < LATEST, f"{where}: {value} is out of bounds"
    elif hint is dict:
        assert isinstance(value, dict), f"{where}: {type(value).__name__}, not a dict"
        json.dumps(value)  # stored in a JSON field as it is
    elif is_dataclass(hint):
        check_item(value, hint)
    else:
        assert type(value) is hint, f"{where}: {type(value).__name__}, not {hint.__name__}"


def check_item(item: Any, kind: type, *, unchecked: tuple[str, ...] = ()) -> None:
    assert isinstance(item, kind), f"{type(item).__name__} is not a {kind}"
    hints = typing.get_type_hints(type(item))
    for f in fields(item):
        if f.name not in unchecked:
            check_value(getattr(item, f.name), hints[f.name], f"{type(item).__name__}.{f.name}")


def check_parse(channel: str, payload: Any) -> None:
    try:
        items = parse(channel, payload)
    except MalformedPayload:
        return
    assert isinstance(items, list)
    for item in items:
        # The test channel passes a receipt's state on unchecked: it is how tests make poison.
        loose = ("status",) if channel == KIND and isinstance(item, DeliveryUpdate) else ()
        check_item(item, ITEM_TYPES, unchecked=loose)


@pytest.mark.parametrize("channel", CHANNELS)
def test_it_parses_every_fixture_cleanly(channel):
    for seed in SEEDS[channel]:
        items = parse(channel, seed)
        assert items
        check_parse(channel, seed)


@pytest.mark.parametrize("channel", CHANNELS)
@FUZZ
@given(data=st.data())
def test_it_returns_items_or_refuses_cleanly_whatever_it_is_sent(channel, data):
    check_parse(channel, data.draw(payloads(channel), label="payload"))


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.binary(max_size=200) | st.just(b"[" * 100_000) | st.just(b'{"a": NaN}'))
def test_a_stored_body_that_is_not_json_is_refused_cleanly(body):
    with contextlib.suppress(MalformedPayload):
        assert isinstance(webhook_event_items(WebhookEvent(kind=KIND, body=body)), list)
