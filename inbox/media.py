"""Fetching customers' media from platform CDNs, and nothing else.

Only hosts the channel names are fetched (plus this server's own sandbox in sandbox
mode), over http(s), without following redirects, up to a size cap: a webhook cannot
make the server fetch an internal address (SSRF) or fill the disk.
"""

from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

MAX_MEDIA_BYTES = 25 * 1024 * 1024
# Well under the 255 bytes a file name may have on disk, with room for the storage's
# "<index>-" prefix and the suffix it adds when a name is taken.
MAX_NAME_BYTES = 120


class MediaError(Exception):
    pass


class MediaRetry(MediaError):
    """The platform or the network failed: try again later."""


class MediaExpired(MediaError):
    """The link no longer works (platform media URLs expire)."""


class MediaRefused(MediaError):
    """Not fetched on purpose: a host or size we do not accept."""


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    host = parts.hostname.lower()
    if settings.SANDBOX:
        sandbox = urlsplit(settings.SOCIALCARE_SANDBOX_URL)
        if host == sandbox.hostname and parts.port == sandbox.port:
            return True
    if parts.scheme != "https":
        return False
    return any(host == h or host.endswith("." + h) for h in allowed_hosts)


def media_fetch(
    url: str, *, allowed_hosts: tuple[str, ...], max_bytes: int = MAX_MEDIA_BYTES
) -> tuple[bytes, str]:
    """The media's bytes and content type. Raises MediaRetry, MediaExpired or MediaRefused."""
    if not host_allowed(url, allowed_hosts):
        host = urlsplit(url).hostname
        raise MediaRefused(_("Media from %(host)s is not fetched.") % {"host": host})
    try:
        with requests.get(url, stream=True, timeout=(5, 30), allow_redirects=False) as response:
            if response.status_code in {403, 404, 410}:
                raise MediaExpired(str(response.status_code))
            if response.status_code >= 500 or response.status_code == 429:
                raise MediaRetry(str(response.status_code))
            if response.status_code != 200:
                raise MediaRefused(
                    _("The platform answered %(code)d for this media.")
                    % {"code": response.status_code}
                )
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    limit = {"mb": max_bytes // 2**20}
                    raise MediaRefused(_("The file is larger than %(mb)d MB.") % limit)
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "application/octet-stream")
            return b"".join(chunks), content_type.split(";")[0].strip()
    except requests.RequestException as exc:
        raise MediaRetry(str(exc)) from exc


def safe_file_name(name: str, *, fallback: str) -> str:
    """A customer's file name as one harmless path segment and header value.

    The platform gives us whatever the customer's phone called the file: "..", a path, a
    line break, 300 characters of Chinese. What is kept is letters (any script), digits,
    "-", "_" and ".", at most MAX_NAME_BYTES in UTF-8, the extension kept when cut.
    """
    try:
        # No leading dots: "../../x" would be the hidden file "....x".
        cleaned = get_valid_filename(name).lstrip(".")
    except SuspiciousFileOperation:  # nothing left, or only "." or ".."
        return fallback
    if not cleaned:
        return fallback
    if len(cleaned.encode()) <= MAX_NAME_BYTES:
        return cleaned
    stem, dot, extension = cleaned.rpartition(".")
    if not (dot and stem and len(extension.encode()) <= 16):
        stem, extension = cleaned, ""
    room = MAX_NAME_BYTES - len(extension.encode()) - len(dot)
    # Cut on a character boundary: a name never ends in half a character.
    short = stem.encode()[:room].decode(errors="ignore")
    return f"{short}{dot}{extension}" if extension else short
