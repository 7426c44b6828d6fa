"""The welcome message answered to conversation_started (viber.md section 2.3).

Computed inside the webhook request from the account's options alone: no HTTP, no task.
"""

from typing import Any

from .adapter import SENDER_NAME_MAX, ViberAdapter


class _KeepUnknown(dict):
    """Placeholders the admin mistyped stay as they were written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def welcome_for(account: Any, user: dict) -> dict | None:
    """The welcome body for this user, in their language when there is a text for it."""
    template = _template(account.options.get("welcome"), user.get("language"))
    if not template.strip():
        return None
    text = _fill(template, customer_name=str(user.get("name") or ""), bot_name=account.name)
    if not text.strip():
        return None
    return {
        "sender": {"name": account.name[:SENDER_NAME_MAX]},
        "type": "text",
        "text": text[: ViberAdapter.capabilities.max_text_length],
        "tracking_data": "welcome",
    }


def _template(translations: Any, language: Any) -> str:
    """The text for `language` ("en-GB" takes "en-gb", then "en", then another "en-.."),
    else the default ""."""
    if not isinstance(translations, dict):
        return ""
    texts = {str(key).lower(): value for key, value in translations.items() if value}
    wanted = str(language or "").strip().lower().replace("_", "-")
    base = wanted.split("-")[0]
    # "pt" takes a "pt-br" text when that is the only Portuguese one.
    regional = sorted(key for key in texts if base and key.split("-")[0] == base)
    for key in (wanted, base, *regional, ""):
        if isinstance(texts.get(key), str):
            return texts[key]
    return ""


def _fill(template: str, **values: str) -> str:
    try:
        return template.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        # A stray brace, "{0}" or "{name.attr}": fill what we know and keep the rest.
        # The customer's name goes last so a name containing "{bot_name}" stays text.
        text = template.replace("{bot_name}", values["bot_name"])
        return text.replace("{customer_name}", values["customer_name"])
