"""The Viber client against the fake Viber over real HTTP: every call, every status class."""

import json
import logging
import queue
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from channels_viber.client import EVENT_TYPES, ViberClient, ViberError
from channels_viber.sandbox.seed import MEDIA
from tests.viber.helpers import fixture, viber_sign

ACME = "sandbox-viber-token-acme"
KAFE = "sandbox-viber-token-kafe"
ELENI = "V1ElenaPapadopoulou000A=="
NOA = "V1NoaCohen00000000000A=="
NIKOS = "Gq7vNw2ZkP9sXe4LtR1yBA=="  # the customer of the captured callbacks
HOURS = 3600


@pytest.fixture
def client(fake_viber) -> ViberClient:
    return ViberClient(ACME)


def text_to(receiver: str, text: str, **extra: object) -> dict:
    payload = {"receiver": receiver, "sender": {"name": "Acme Support"}, "type": "text"}
    return {**payload, "text": text, **extra}


def calls_to(fake_viber, method: str) -> list[dict]:
    return [call for call in fake_viber.calls() if call["method"] == method]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalServer:
    url: str
    received: queue.Queue = field(default_factory=queue.Queue)

    def next_request(self) -> tuple[dict, bytes]:
        """The next request's headers and raw body; waits for it to arrive."""
        return self.received.get(timeout=10)


@contextmanager
def local_server(answer: bytes = b"", *, status: int = 200) -> Iterator[LocalServer]:
    """A tiny HTTP server that records what it is sent and answers `answer`: our webhook
    for set_webhook's callback, or a Viber answering something the fake never does."""
    server_box: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            server_box["local"].received.put((dict(self.headers), body))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_box["local"] = LocalServer(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server_box["local"]
    finally:
        server.shutdown()
        server.server_close()


# --- the bot ------------------------------------------------------------------------------


def test_it_reads_the_bots_name_picture_and_webhook(client, fake_viber):
    info = client.account_info()

    assert (info["id"], info["name"], info["uri"]) == (
        "pa:5840000000000000001",
        "Acme Support",
        "acmesupport",
    )
    assert info["webhook"] == ""
    icon = requests.get(info["icon"], timeout=5)
    assert icon.content == MEDIA["acme.png"][0]
    [call] = calls_to(fake_viber, "get_account_info")
    assert call["token"] == ACME
    assert call["body"] == {}


def test_each_token_is_its_own_bot(fake_viber):
    assert ViberClient(KAFE).account_info()["name"] == "Kafe Helios"


def test_a_wrong_token_says_the_bot_must_be_reconnected(fake_viber):
    with pytest.raises(ViberError) as refused:
        ViberClient("pasted-the-wrong-thing").account_info()

    assert refused.value.token_invalid and not refused.value.retryable
    assert refused.value.status == 2
    assert refused.value.reason == (
        "Viber refused the request (status 2, invalidAuthToken). "
        "The bot token is not valid: reconnect the bot with its current token."
    )


# --- the webhook --------------------------------------------------------------------------


def test_setting_the_webhook_sends_a_signed_verification_callback(client, fake_viber):
    with local_server() as inbox:
        answer = client.set_webhook(f"{inbox.url}/webhooks/viber/7/", EVENT_TYPES)
        headers, body = inbox.next_request()

    assert answer["event_types"] == EVENT_TYPES
    assert json.loads(body)["event"] == "webhook"
    assert headers["X-Viber-Content-Signature"] == viber_sign(body, ACME)
    assert client.account_info()["webhook"] == f"{inbox.url}/webhooks/viber/7/"
    [call] = calls_to(fake_viber, "set_webhook")
    assert call["body"] == {
        "url": f"{inbox.url}/webhooks/viber/7/",
        "event_types": EVENT_TYPES,
        "send_name": True,
        "send_photo": True,
    }


def test_removing_the_webhook_clears_it(client, fake_viber):
    with local_server() as inbox:
        client.set_webhook(f"{inbox.url}/webhooks/viber/7/", EVENT_TYPES)
        inbox.next_request()

    assert client.remove_webhook() is None
    info = client.account_info()
    assert (info["webhook"], info["event_types"]) == ("", [])
    assert calls_to(fake_viber, "set_webhook")[-1]["body"] == {"url": ""}


def test_a_webhook_that_is_not_a_web_address_is_refused(client):
    with pytest.raises(ViberError) as refused:
        client.set_webhook("inbox.example/webhooks/viber/7/", EVENT_TYPES)

    assert (refused.value.status, refused.value.status_message) == (1, "invalidUrl")
    assert not refused.value.retryable
    assert refused.value.reason.startswith("Viber refused the webhook (status 1, invalidUrl).")


# --- customers ----------------------------------------------------------------------------


def test_it_reads_a_customers_details(client, fake_viber):
    user = client.user_details(ELENI)

    assert (user["id"], user["name"], user["language"], user["country"]) == (
        ELENI,
        "Ελένη Παπαδοπούλου",
        "el",
        "GR",
    )
    assert requests.get(user["avatar"], timeout=5).headers["Content-Type"] == "image/png"
    [call] = calls_to(fake_viber, "get_user_details")
    assert call["body"] == {"id": ELENI}


def test_details_the_callbacks_taught_the_fake_come_back(client, fake_viber):
    fake_viber.app.record(fixture("subscribed"))

    user = client.user_details(NIKOS)

    assert (user["name"], user["language"]) == ("Νίκος Παπαδόπουλος", "el")


def test_customer_details_are_limited_to_twice_per_customer_in_12_hours(client, fake_viber):
    now = [1_772_533_200.0]
    fake_viber.app.clock = lambda: now[0]

    client.user_details(ELENI)
    client.user_details(ELENI)
    with pytest.raises(ViberError) as limited:
        client.user_details(ELENI)
    someone_else = client.user_details(NOA)
    now[0] += 12 * HOURS
    again = client.user_details(ELENI)

    assert limited.value.status == 12 and limited.value.retryable
    assert someone_else["name"] == "נועה כהן"
    assert again["id"] == ELENI


# --- sending ------------------------------------------------------------------------------


def test_it_sends_a_message_and_gets_its_token(client, fake_viber):
    payload = text_to(ELENI, "Καλημέρα! Το δέμα σας φτάνει αύριο.", tracking_data="conv:12")

    token = client.send_message(payload)

    assert token.isdigit()
    [call] = calls_to(fake_viber, "send_message")
    assert call["token"] == ACME
    assert call["body"] == payload
    assert [str(sent["token"]) for sent in fake_viber.app.sent] == [token]


def test_each_message_gets_its_own_token(client):
    first = client.send_message(text_to(NOA, "שלום"))
    second = client.send_message(text_to(NOA, "מה שלומך?"))

    assert first != second


def test_a_customer_who_unsubscribed_cannot_be_sent_to_until_they_write(client, fake_viber):
    fake_viber.app.record(fixture("unsubscribed"))

    with pytest.raises(ViberError) as refused:
        client.send_message(text_to(NIKOS, "Are you still there?"))
    fake_viber.app.record(fixture("message_text"))
    token = client.send_message(text_to(NIKOS, "Welcome back!"))

    assert refused.value.unsubscribed and not refused.value.retryable
    assert not refused.value.token_invalid
    assert refused.value.reason == (
        "Viber refused the message (status 6, receiverNotSubscribed). The customer is not "
        "subscribed to the bot: replies can be delivered again once they write to it."
    )
    assert token.isdigit()


def test_callbacks_can_be_recorded_over_http(client, fake_viber):
    recorded = requests.post(
        f"{fake_viber.url}/_sandbox/record", json=fixture("unsubscribed"), timeout=5
    ).json()

    with pytest.raises(ViberError) as refused:
        client.send_message(text_to(NIKOS, "Hello?"))

    assert recorded == {"recorded": 1}
    assert refused.value.unsubscribed


# --- every status class -------------------------------------------------------------------


def test_too_many_requests_is_retried_after_a_minute_or_more(client):
    with pytest.raises(ViberError) as limited:
        client.send_message(text_to(ELENI, "One more thing #ratelimit"))

    assert limited.value.retryable and limited.value.retry_after >= 60
    assert (limited.value.status, limited.value.status_message) == (12, "tooManyRequests")
    assert "Viber asked us to slow down." in limited.value.reason


def test_a_server_error_on_a_read_is_retryable(client, fake_viber):
    fake_viber.app.fail("server_error")
    with pytest.raises(ViberError) as failed:
        client.account_info()

    assert failed.value.retryable and failed.value.http_status == 500
    assert failed.value.status is None and not failed.value.maybe_sent
    assert failed.value.reason == "Viber had a server error (HTTP 500)."


def test_a_server_error_on_a_send_may_have_sent_it_so_it_is_not_retryable(client):
    with pytest.raises(ViberError) as failed:
        client.send_message(text_to(ELENI, "Hi #servererror"))

    assert failed.value.maybe_sent and not failed.value.retryable
    assert failed.value.http_status == 500


def test_a_token_viber_no_longer_accepts_is_not_retried(client):
    with pytest.raises(ViberError) as failed:
        client.send_message(text_to(ELENI, "Hi #invalidtoken"))

    assert failed.value.token_invalid and not failed.value.retryable


def test_a_customer_who_never_subscribed_is_a_permanent_error(client):
    with pytest.raises(ViberError) as failed:
        client.send_message(text_to(ELENI, "Hi #notsubscribed"))

    assert failed.value.unsubscribed and failed.value.status == 6
    assert not failed.value.retryable


def test_other_refusals_are_permanent_and_name_the_status(client):
    too_long = {**text_to(ELENI, "Hi"), "sender": {"name": "Acme Support - Dana from Returns"}}

    with pytest.raises(ViberError) as failed:
        client.send_message(too_long)

    assert (failed.value.status, failed.value.status_message) == (3, "badData")
    assert not (failed.value.retryable or failed.value.token_invalid or failed.value.unsubscribed)
    assert failed.value.reason == (
        "Viber refused the message (status 3, badData). "
        "Viber could not accept the content of the request."
    )


def test_a_bot_without_a_webhook_is_told_to_reconnect(client, fake_viber):
    fake_viber.app.webhook_required = True

    with pytest.raises(ViberError) as failed:
        client.send_message(text_to(ELENI, "Hi"))

    assert failed.value.status == 10 and not failed.value.retryable
    assert "reconnect it" in failed.value.reason


def test_a_status_viber_does_not_document_is_a_general_error_worth_a_retry(settings):
    answer = json.dumps({"status": 99, "status_message": "General error"}).encode()
    with local_server(answer) as viber:
        settings.VIBER_API_URL = viber.url
        with pytest.raises(ViberError) as failed:
            ViberClient(ACME).send_message(text_to(ELENI, "Hi"))

    assert failed.value.status == 99 and failed.value.retryable


def test_an_answer_that_is_not_json_is_retryable(settings):
    with local_server(b"<html>Bad gateway</html>") as viber:
        settings.VIBER_API_URL = viber.url
        with pytest.raises(ViberError) as failed:
            ViberClient(ACME).account_info()

    assert failed.value.retryable
    assert failed.value.reason == "Viber sent an answer that could not be read (HTTP 200)."


def test_an_unreachable_viber_is_retryable_and_the_token_stays_secret(settings, caplog):
    settings.VIBER_API_URL = f"http://127.0.0.1:{closed_port()}"

    with caplog.at_level(logging.DEBUG), pytest.raises(ViberError) as failed:
        ViberClient(ACME).send_message(text_to(ELENI, "Hi"))

    assert failed.value.retryable and failed.value.status is None
    assert failed.value.reason == "Viber could not be reached (ConnectionError)."
    assert ACME not in caplog.text


def test_the_token_never_reaches_the_logs(client, fake_viber, caplog):
    with caplog.at_level(logging.DEBUG):
        client.send_message(text_to(ELENI, "Hi"))
        with pytest.raises(ViberError):
            client.send_message(text_to(ELENI, "Hi #invalidtoken"))

    assert "send_message" in caplog.text
    assert ACME not in caplog.text


def test_faults_can_be_injected_over_http(client, fake_viber):
    requests.post(
        f"{fake_viber.url}/_sandbox/faults", json={"fault": "server_error", "count": 2}, timeout=5
    ).raise_for_status()

    outcomes = []
    for _attempt in range(3):
        try:
            client.account_info()
            outcomes.append("ok")
        except ViberError as exc:
            outcomes.append("retry" if exc.retryable else "fail")

    assert outcomes == ["retry", "retry", "ok"]


def test_the_api_url_is_read_at_call_time(client, fake_viber, settings):
    settings.VIBER_API_URL = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(ViberError):
        client.account_info()

    settings.VIBER_API_URL = fake_viber.url

    assert client.account_info()["name"] == "Acme Support"
