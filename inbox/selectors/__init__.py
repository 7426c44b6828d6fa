from .access import (
    accounts_for,
    assignable_users,
    can_assign,
    conversations_for,
    is_admin,
    teams_led_by,
)
from .conversations import (
    ConversationFilters,
    conversation_get_for,
    conversation_list_for,
    folder_counts_for,
    messages_for,
    thread_for,
)

__all__ = [
    "ConversationFilters",
    "accounts_for",
    "assignable_users",
    "can_assign",
    "conversation_get_for",
    "conversation_list_for",
    "conversations_for",
    "folder_counts_for",
    "is_admin",
    "messages_for",
    "teams_led_by",
    "thread_for",
]
