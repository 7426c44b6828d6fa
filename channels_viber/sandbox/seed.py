"""What the fake Viber knows before anything is recorded: two bots, customers, media.

All ids, tokens and names are invented.
"""

from inbox.sandbox import png

# The two sandbox bots, by auth token: what get_account_info answers (the icon is a
# media name; the fake turns it into a URL where it is served).
BOTS: dict[str, dict] = {
    "sandbox-viber-token-acme": {
        "id": "pa:5840000000000000001",
        "name": "Acme Support",
        "uri": "acmesupport",
        "icon": "acme.png",
        "category": "Shopping",
        "subcategory": "Online store",
        "country": "GR",
        "location": {"lon": 23.7275, "lat": 37.9838},
    },
    "sandbox-viber-token-kafe": {
        "id": "pa:5840000000000000002",
        "name": "Kafe Helios",
        "uri": "kafehelios",
        "icon": "kafe.png",
        "category": "Food & Drink",
        "subcategory": "Cafe",
        "country": "CY",
        "location": {"lon": 33.3823, "lat": 35.1856},
    },
}

# Viber users (id -> name, language, country), in the languages the demo shows. Viber
# ids are opaque, unique per user per bot.
USERS: dict[str, tuple[str, str, str]] = {
    "V1DanaKowalski0000000A==": ("Dana Kowalski", "en", "GB"),
    "V1ElenaPapadopoulou000A==": ("Ελένη Παπαδοπούλου", "el", "GR"),
    "V1AlesiaShymanskaya00A==": ("Алеся Шыманская", "be", "BY"),
    "V1NoaCohen00000000000A==": ("נועה כהן", "he", "IL"),
    "V1DmitrySokolov000000A==": ("Дмитрий Соколов", "ru", "LV"),
    "V1WangXiaohong0000000A==": ("王晓红", "zh", "CN"),
}

DEVICE = {
    "primary_device_os": "Android 14",
    "api_version": 10,
    "viber_version": "24.1.0.0",
    "mcc": 202,
    "mnc": 1,
    "device_type": "SM-A546B",
}


_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R
/Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 53 >> stream
BT /F1 18 Tf 40 100 Td (Receipt 2231 - sandbox) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""

# Viber's purple, and colours for the rest; names end with their extension, as Viber
# requires of media links.
MEDIA: dict[str, tuple[bytes, str]] = {
    "acme.png": (png(72, 72, (115, 96, 242)), "image/png"),
    "kafe.png": (png(72, 72, (255, 160, 0)), "image/png"),
    "avatar.png": (png(50, 50, (158, 158, 158)), "image/png"),
    "photo.png": (png(64, 48, (46, 125, 50)), "image/png"),
    "sticker.png": (png(40, 40, (233, 30, 99)), "image/png"),
    "receipt.pdf": (_PDF, "application/pdf"),
}
