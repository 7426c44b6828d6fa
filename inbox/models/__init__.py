from .accounts import ChannelAccount
from .conversations import Activity, Conversation, Message, Note
from .events import UnroutedEntry, WebhookEvent
from .library import CannedResponse, Label
from .people import Contact, Identity
from .teams import BusinessHours, Membership, Role, Team

__all__ = [
    "Activity",
    "BusinessHours",
    "CannedResponse",
    "ChannelAccount",
    "Contact",
    "Conversation",
    "Identity",
    "Label",
    "Membership",
    "Message",
    "Note",
    "Role",
    "Team",
    "UnroutedEntry",
    "WebhookEvent",
]
