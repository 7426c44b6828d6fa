from .accounts import ChannelAccount
from .agents import AgentProfile, ConversationRead
from .conversations import Activity, Conversation, Message, Note
from .events import UnroutedEntry, WebhookEvent
from .library import CannedResponse, Label
from .people import Contact, Identity
from .teams import BusinessHours, Membership, Role, Team

__all__ = [
    "Activity",
    "AgentProfile",
    "BusinessHours",
    "CannedResponse",
    "ChannelAccount",
    "Contact",
    "Conversation",
    "ConversationRead",
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
