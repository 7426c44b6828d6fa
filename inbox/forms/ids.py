"""Ids typed into URLs, posts and API bodies: checked here, before any query sees them.

A database id is a positive integer of its column's width. Anything else (a negative
number, one wider than the column, "²" or "٣", which str.isdigit() calls digits) names
nothing: the caller answers "no such thing", never a database error.
"""

from django.db import models

# The widest value each kind of primary key column holds (PostgreSQL's integer and bigint;
# SQLite would take more, but an id one database refuses must be refused by all).
PK_MAX = {"SmallAutoField": 2**15 - 1, "AutoField": 2**31 - 1, "BigAutoField": 2**63 - 1}
MAX_ID = PK_MAX["BigAutoField"]


def max_id(model: type[models.Model]) -> int:
    """The largest id `model`'s table can hold (auth's User has a 32-bit one, ours 64)."""
    return PK_MAX.get(model._meta.pk.get_internal_type(), PK_MAX["AutoField"])


def parse_id(value: object, *, maximum: int = MAX_ID) -> int | None:
    """The id `value` spells (ASCII digits, or a JSON integer), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        # The length check first: int() refuses strings of thousands of digits with an error.
        number = int(value)
    else:
        return None
    return number if 0 < number <= maximum else None
