"""Search over message text, contact names and handles, in any script.

Every word of the query must be found (as a substring, case-insensitively where the
script has case) in a message of the conversation, inbound or outbound, in the contact's
name, or in the name or handle of the identity the conversation is with.

PostgreSQL: UPPER(col) LIKE UPPER('%word%') (Django's icontains), which folds Greek and
Cyrillic under the database's UTF-8 ctype and can use the trigram indexes of migration
0006. SQLite folds only ASCII in LIKE, so there both sides go through casefold().
"""

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import Contains, IContains, Lookup

from inbox.db import Fold
from inbox.models import Message

MAX_WORDS = 5


def search_words(query: str) -> list[str]:
    """The words that must all match; a long query keeps its first few."""
    return query.split()[:MAX_WORDS]


def folded_contains(field: str, word: str) -> Lookup:
    """`field` holds `word`, case-insensitively in any script (SQLite: see inbox.db)."""
    if connection.vendor == "sqlite":
        return Contains(Fold(F(field)), word.casefold())
    return IContains(F(field), word)


def _word_q(word: str) -> Q:
    in_messages = Message.objects.filter(conversation=OuterRef("pk")).filter(
        folded_contains("text", word)
    )
    handle = word.removeprefix("@") or word
    return (
        Q(Exists(in_messages))
        | Q(folded_contains("contact__name", word))
        | Q(folded_contains("identity__name", word))
        | Q(folded_contains("identity__handle", handle))
    )


def search_q(query: str) -> Q:
    """A filter for conversations that match every word of the query (empty: all)."""
    q = Q()
    for word in search_words(query):
        q &= _word_q(word)
    return q
