"""What the fake Graph knows before anything is recorded: Pages, people, posts, media.

All ids and names are invented.
"""

from inbox.sandbox import png

ALL_TASKS = ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"]

# The Pages a sandbox admin manages in the OAuth dialog; the last one cannot be used for
# messaging (its admin only has the ANALYZE task).
PAGES = [
    {"id": "104857600123456", "name": "Northwind Outdoor", "tasks": ALL_TASKS},
    {"id": "104857600654321", "name": "Northwind Kafe", "tasks": ALL_TASKS},
    {"id": "104857600999999", "name": "Northwind Archive", "tasks": ["ANALYZE"]},
]

# Messenger users (PSID -> first, last name), in the languages the demo shows.
PROFILES = {
    "6290011122233344": ("Dana", "Kowalski"),
    "6290011122233345": ("Ελένη", "Παπαδοπούλου"),
    "6290011122233346": ("Алеся", "Шыманская"),
    "6290011122233347": ("נועה", "כהן"),
    "6290011122233348": ("Дмитрий", "Соколов"),
    "6290011122233349": ("晓红", "王"),
}

# The Page's own posts, for comments on posts the fake has not seen.
POST_TEXTS = [
    "Our new rain jackets are in! Which colour would you pick?",
    "Weekend opening hours: Saturday 9-18, Sunday 10-16.",
    "Νέα συλλογή για πεζοπορία: δείτε τι ήρθε σήμερα.",
    "Free delivery on all orders this week.",
]

PERMISSIONS = [
    "pages_show_list",
    "pages_manage_metadata",
    "pages_messaging",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "business_management",
    "public_profile",
]

# Every field a Page subscription accepts (meta.md §4, §9.5).
PAGE_FIELDS = {
    "messages",
    "message_echoes",
    "message_deliveries",
    "message_reads",
    "messaging_postbacks",
    "message_reactions",
    "message_edits",
    "messaging_referrals",
    "messaging_optins",
    "messaging_handovers",
    "messaging_policy_enforcement",
    "standby",
    "feed",
    "ratings",
}


_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R
/Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 55 >> stream
BT /F1 18 Tf 40 100 Td (Invoice 5531 - sandbox) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""

MEDIA: dict[str, tuple[bytes, str]] = {
    "photo.png": (png(64, 48, (46, 125, 50)), "image/png"),
    "post.png": (png(120, 63, (21, 101, 192)), "image/png"),
    "avatar.png": (png(50, 50, (158, 158, 158)), "image/png"),
    "invoice.pdf": (_PDF, "application/pdf"),
}
