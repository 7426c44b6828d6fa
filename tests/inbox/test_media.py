"""Customers' media: copied while the platform's link works, served only to the team."""

from dataclasses import dataclass

import pytest

from inbox import services
from inbox.models import Message
from tests.factories import ConversationFactory
from tests.wsgi_server import serving

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# path -> (status, headers, body) of a platform CDN.
CDN = {
    "/photo.png": ("200 OK", [("Content-Type", "image/png")], PNG),
    "/moved.png": ("302 Found", [("Location", "http://169.254.169.254/latest/meta-data")], b""),
    "/flaky.png": ("503 Service Unavailable", [], b""),
}


@dataclass
class Cdn:
    url: str
    calls: list[str]


@pytest.fixture
def cdn(settings, tmp_path):
    """A platform CDN over real HTTP: /photo.png works, /flaky.png fails, others are gone."""
    calls: list[str] = []

    def app(environ: dict, start_response):  # noqa: ANN202 - WSGI's shape
        calls.append(environ["PATH_INFO"])
        status, headers, body = CDN.get(environ["PATH_INFO"], ("404 Not Found", [], b""))
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    with serving(app) as url:
        # The sandbox's own host is the one non-platform host media may come from.
        settings.SANDBOX = True
        settings.SOCIALCARE_SANDBOX_URL = url
        settings.MEDIA_ROOT = tmp_path
        yield Cdn(url=url, calls=calls)


def message_with(world, *urls: str) -> Message:
    conversation = ConversationFactory(account=world.acme, team=world.support)
    return Message.objects.create(
        conversation=conversation,
        account=world.acme,
        direction=Message.Direction.IN,
        text="",
        attachments=[{"type": "image", "url": u, "name": "", "extra": {}} for u in urls],
    )


def test_media_is_copied_and_served_to_the_team_only(world, cdn) -> None:
    message = message_with(world, f"{cdn.url}/photo.png")

    assert services.media_download(message_id=message.pk) == 1

    message.refresh_from_db()
    assert message.attachments[0]["content_type"] == "image/png"
    url = f"/media/{message.pk}/0/"
    response = world.client_for(world.alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert world.client_for(world.charlie).get(url).status_code == 404
    assert world.client_for(world.alice).get(f"/media/{message.pk}/5/").status_code == 404


def test_an_expired_link_is_shown_as_expired(world, cdn) -> None:
    message = message_with(world, f"{cdn.url}/gone.png")

    assert services.media_download(message_id=message.pk) == 0

    message.refresh_from_db()
    assert message.attachments[0]["expired"] is True
    assert "file" not in message.attachments[0]


def test_a_server_error_is_retried_by_the_task(world, cdn) -> None:
    from inbox.media import MediaRetry

    message = message_with(world, f"{cdn.url}/flaky.png")
    with pytest.raises(MediaRetry):
        services.media_download(message_id=message.pk)


def test_redirects_and_foreign_hosts_are_never_followed(world, cdn) -> None:
    message = message_with(world, f"{cdn.url}/moved.png", "http://169.254.169.254/latest/")

    assert services.media_download(message_id=message.pk) == 0

    message.refresh_from_db()
    assert "file" not in message.attachments[0]
    assert "169.254.169.254" in message.attachments[1]["refused"]
    assert cdn.calls == ["/moved.png"]


@pytest.mark.parametrize(
    "name",
    ["..", ".", "../../settings.py", "x" * 300 + ".png", "照片" * 150 + ".png", "bad\r\nname.png"],
)
def test_any_file_name_a_customer_sends_is_stored_and_served(world, cdn, name) -> None:
    message = message_with(world, f"{cdn.url}/photo.png")
    Message.objects.filter(pk=message.pk).update(
        attachments=[{**message.attachments[0], "name": name}]
    )

    assert services.media_download(message_id=message.pk) == 1

    message.refresh_from_db()
    stored = message.attachments[0]["file"]
    assert stored.startswith(f"media/{world.acme.pk}/{message.pk}/0-")
    assert ".." not in stored and len(stored.rsplit("/", 1)[-1].encode()) < 255
    response = world.client_for(world.alice).get(f"/media/{message.pk}/0/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "\n" not in response["Content-Disposition"]
