"""Database functions the app adds to SQLite, so search behaves as on PostgreSQL.

SQLite's LIKE and lower() fold ASCII letters only: "ΚΑΛΗΜΈΡΑ" would never find
"καλημέρα". PostgreSQL's UPPER() under a UTF-8 ctype folds every script, so only SQLite
needs the help of a Python function.
"""

from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func

FOLD = "socialcare_fold"


class Fold(Func):
    """socialcare_fold(text): the text case-folded (SQLite only; see register_functions)."""

    function = FOLD
    arity = 1
    output_field = CharField()


def _fold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


def register_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Every new SQLite connection learns socialcare_fold (deterministic, so indexable)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD, 1, _fold, deterministic=True)


def connect_signals() -> None:
    connection_created.connect(register_functions, dispatch_uid="socialcare_fold")
