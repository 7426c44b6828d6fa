"""Fetching customers' media from platform CDNs, and nothing else.

Only hosts the channel names are fetched (plus this server's own sandbox in sandbox
mode), over http(s), without following redirects, up to a size cap: a webhook cannot
make the server fetch an internal address (SSRF) or fill the disk.
"""

from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

MAX_MEDIA_BYTES = 25 * 1024 * 1024


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
