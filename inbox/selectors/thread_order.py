"""The one order a thread is read in, whatever order its deliveries came in.

Platforms retry, redeliver and drain backlogs after an outage, so the order messages reach
us (created_at, pk) is not the order the conversation happened in. A customer's message, and
one the account sent from another app (an echo), take their place by the platform's
timestamp. Our own replies take it by when the agent sent them: that is after every
customer message the agent had read when writing, and it never moves afterwards (a retry
or a late confirmation from the platform does not make a reply jump under the agent's
eyes). Notes and activity lines are ours too: their created time. Ties go by id.

The rule lives here twice, as a database expression for the queries and as a function for
rows already loaded (notes and activity lines are interleaved in Python); both say the same.
"""

from datetime import datetime, timedelta

from django.db.models import Case, DateTimeField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce

from inbox.models import Activity, Message, Note
from inbox.parsing import EPOCH


def _ours() -> Q:
    return Q(direction=Message.Direction.OUT, sent_elsewhere=False)


def thread_at() -> Case:
    """A message's place in its thread as a database expression (see the module's rule)."""
    return Case(
        When(_ours(), then=F("created_at")),
        default=Coalesce(F("platform_timestamp"), F("created_at")),
        output_field=DateTimeField(),
    )


def in_thread_order(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Messages oldest first as the thread reads, in a total order (pages never overlap)."""
    return messages.alias(thread_at=thread_at()).order_by("thread_at", "pk")


def thread_time(entry: Message | Note | Activity) -> datetime:
    """When an entry happened, as the thread orders it: the expression above, in Python."""
    if isinstance(entry, Message):
        ours = entry.direction == Message.Direction.OUT and not entry.sent_elsewhere
        if not ours and entry.platform_timestamp is not None:
            return entry.platform_timestamp
    return entry.created_at


def thread_position(entry: Message | Note | Activity) -> int:
    """The thread time in microseconds since 1970, for the live script to place an entry
    among those on screen (whole numbers compare the same in every time zone)."""
    return (thread_time(entry) - EPOCH) // timedelta(microseconds=1)
