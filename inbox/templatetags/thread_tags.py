"""Template helpers of the thread: every entry's time and place as the thread orders it."""

from datetime import datetime

from django import template

from inbox.models import Activity, Message, Note
from inbox.selectors.thread_order import thread_position, thread_time

register = template.Library()


@register.filter
def thread_at(entry: Message | Note | Activity) -> datetime:
    """The time shown beside an entry: the one its place in the thread comes from."""
    return thread_time(entry)


@register.filter
def thread_place(entry: Message | Note | Activity) -> int:
    """The entry's place for the live script (data-at): it inserts a late message there."""
    return thread_position(entry)
