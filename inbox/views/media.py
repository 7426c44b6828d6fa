"""Customers' media, served only to people who may see the conversation it is in."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from inbox.media import safe_file_name
from inbox.selectors.api import identity_get_for, message_get_for

# Shown in the page; anything else downloads, so a crafted file never runs as this site.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "audio/mpeg"}


@require_GET
@login_required
def attachment(request: HttpRequest, message_pk: int, index: int) -> FileResponse:
    message = message_get_for(user=request.user, pk=message_pk)
    if message is None or not 0 <= index < len(message.attachments):
        raise Http404
    stored = message.attachments[index]
    path = stored.get("file")
    if not path or not default_storage.exists(path):
        raise Http404
    content_type = stored.get("content_type") or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        default_storage.open(path, "rb"),
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=safe_file_name(stored.get("name") or "", fallback=path.rsplit("/", 1)[-1]),
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@login_required
def avatar(request: HttpRequest, identity_pk: int) -> FileResponse:
    """A customer's copied profile picture, for people who see one of their conversations."""
    identity = identity_get_for(user=request.user, pk=identity_pk)
    path = identity.profile.get("avatar_file") if identity else None
    content_type = identity.profile.get("avatar_type", "") if identity else ""
    if not path or content_type not in INLINE_TYPES or not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
