"""Redis is down: every signed webhook is still answered 200 and stored, and processed once
the sweep runs; pages and the settings screens render; the live stream ends and says what
is down; /healthz names Redis; `channels add` and the Viber connect flow still connect.

Two kinds of dead: a closed port (connections refused at once) and a host that takes
connections but never answers (only the clients' timeouts end the wait). Settings are read
at import, so the app runs in a child process (uvicorn, as in production) with REDIS_URL
pointing at the dead server: the real clients with the real timeouts. The child shares
this run's test database; the tests post to it over HTTP with a generous client timeout,
so a request that hangs fails its test instead of hanging the suite.
"""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from channels_fb.sandbox import FakeGraph
from channels_viber.sandbox import FakeViber
from inbox import services
from inbox.models import ChannelAccount, Message, WebhookEvent
from tests.factories import AccountFactory, ConversationFactory
from tests.helpers import message_event, sign, webhook_body
from tests.wsgi_server import serving

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(django_settings.BASE_DIR)
# Much longer than any Redis timeout: hitting it means a request hung.
CLIENT_TIMEOUT = 30
FB_SECRET = "fb-app-secret-for-the-outage-tests"
FB_PAGE = "104857600123456"
VIBER_TOKEN = "sandbox-viber-token-acme"  # a bot the fake Viber knows
# The app itself in the child: the project's URLs plus the test channel's webhook.
SERVE = """
import sys
import django
django.setup()
from django.conf import settings
settings.ROOT_URLCONF = "tests.urls"
import uvicorn
from django.core.asgi import get_asgi_application
uvicorn.run(get_asgi_application(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@dataclass
class App:
    url: str
    env: dict[str, str]
    viber: FakeViber  # served at viber_url, the child's VIBER_API_URL
    viber_url: str


# --- the dead Redis and the app that must live with it ------------------------------------


@pytest.fixture(scope="module", params=["closed port", "host that never answers"])
def dead_redis(request) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if request.param == "closed port":
        sock.close()  # nothing listens: every connection is refused
    else:
        # The kernel completes a handshake or two for the backlog and then drops the
        # rest; nobody ever reads or answers, so only the clients' timeouts end a call.
        sock.listen(1)
    yield f"redis://127.0.0.1:{port}/0"
    sock.close()


@pytest.fixture(scope="module")
def fake_viber() -> Iterator[tuple[FakeViber, str]]:
    viber = FakeViber()
    with serving(viber) as url:
        yield viber, url


@pytest.fixture(scope="module")
def app(dead_redis, fake_viber, django_db_setup, tmp_path_factory) -> Iterator[App]:
    viber, viber_url = fake_viber
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _child_env(
        dead_redis,
        tmp_path_factory.mktemp("var"),
        # Viber's set_webhook calls the new webhook back: this same app.
        SOCIALCARE_PUBLIC_URL=base,
        VIBER_API_URL=viber_url,
    )
    log = (tmp_path_factory.mktemp("log") / "server.log").open("w+")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SERVE, str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_serving(server, base, log)
        yield App(url=base, env=env, viber=viber, viber_url=viber_url)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _child_env(redis_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialcare.settings",
        "DEBUG": "1",
        "REDIS_URL": redis_url,
        "DATABASE_URL": _database_url(),
        "SOCIALCARE_VAR_DIR": str(var_dir),
        "FACEBOOK_APP_SECRET": FB_SECRET,
        # Nothing listens there: no test reaches the real Graph API.
        "FACEBOOK_GRAPH_URL": "http://127.0.0.1:9",
        **extra,
    }
    for name in ("SOCIALCARE_SANDBOX", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    return env


def _database_url() -> str:
    """This run's test database, for the child to share."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_until_serving(server: subprocess.Popen, base: str, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            pytest.fail(f"the app did not start:\n{log.read()[-3000:]}")
        try:
            requests.get(f"{base}/webhooks/", timeout=CLIENT_TIMEOUT)  # any answer will do
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    pytest.fail("the app did not start within a minute")


def session_cookie(world, user) -> dict[str, str]:
    """A signed-in session of `user` (stored in the shared database) for the child."""
    client = world.client_for(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


def wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


# --- the accounts of the story ------------------------------------------------------------


@pytest.fixture
def page(world) -> ChannelAccount:
    account = AccountFactory(
        kind="facebook",
        external_id=FB_PAGE,
        name="Northwind Outdoor",
        credentials={"page_id": FB_PAGE, "access_token": "EAAGpage-token"},
    )
    account.teams.add(world.support)
    return account


@pytest.fixture
def bot(world) -> ChannelAccount:
    account = AccountFactory(
        kind="viber",
        external_id="pa:5840000000000000001",
        name="Acme Support",
        credentials={"auth_token": VIBER_TOKEN},
        options={"welcome": {"": "Hi {customer_name}, this is {bot_name}."}},
    )
    account.teams.add(world.support)
    return account


@pytest.fixture
def no_platform_reached(settings):
    """Processing in this process looks profiles up: nothing listens at these addresses."""
    settings.FACEBOOK_GRAPH_URL = "http://127.0.0.1:9"
    settings.VIBER_API_URL = "http://127.0.0.1:9"


def post_test_channel(app: App, body: bytes) -> requests.Response:
    return requests.post(
        f"{app.url}/webhooks/testchannel/",
        data=body,
        headers={"Content-Type": "application/json", "X-Test-Signature": sign(body)},
        timeout=CLIENT_TIMEOUT,
    )


def post_facebook(app: App, payload: dict) -> requests.Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return requests.post(
        f"{app.url}/webhooks/facebook/",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": f"sha256={sign(body, FB_SECRET)}",
        },
        timeout=CLIENT_TIMEOUT,
    )


def post_viber(app: App, account: ChannelAccount, payload: dict) -> requests.Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return requests.post(
        f"{app.url}/webhooks/viber/{account.pk}/",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Viber-Content-Signature": sign(body, VIBER_TOKEN),
        },
        timeout=CLIENT_TIMEOUT,
    )


def messenger_text(mid: str, text: str) -> dict:
    at_ms = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": FB_PAGE,
                "time": at_ms,
                "messaging": [
                    {
                        "sender": {"id": "6290011122233344"},
                        "recipient": {"id": FB_PAGE},
                        "timestamp": at_ms,
                        "message": {"mid": mid, "text": text},
                    }
                ],
            }
        ],
    }


VIBER_USER = {"id": "Rk5sWv3NbT8yQm1LxP6dGA==", "name": "Ирина", "language": "ru"}


def viber_conversation_started() -> dict:
    return {
        "event": "conversation_started",
        "timestamp": int(time.time() * 1000),
        "message_token": 5741311803571720000,
        "type": "open",
        "user": VIBER_USER,
        "subscribed": False,
    }


def viber_text(text: str) -> dict:
    return {
        "event": "message",
        "timestamp": int(time.time() * 1000),
        "message_token": 5741311803571721088,
        "sender": VIBER_USER,
        "message": {"type": "text", "text": text},
    }


# --- webhooks -----------------------------------------------------------------------------


def test_every_signed_webhook_is_answered_200_and_stored(app, world, page, bot):
    responses = [
        post_test_channel(app, webhook_body(message_event("m1", text="Where is my order?"))),
        post_facebook(app, messenger_text("m_outage_1", "Is the blue one back?")),
        post_viber(app, bot, viber_text("Когда придёт посылка?")),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    kinds = sorted(WebhookEvent.objects.values_list("kind", flat=True))
    assert kinds == ["facebook", "testchannel", "viber"]
    assert not WebhookEvent.objects.filter(processed_at__isnull=False).exists()


def test_a_viber_chat_opened_during_the_outage_is_still_welcomed(app, world, bot):
    response = post_viber(app, bot, viber_conversation_started())

    assert response.status_code == 200
    # Without the cache to remember who was greeted, greeting again beats greeting nobody.
    assert response.json()["text"] == "Hi Ирина, this is Acme Support."
    assert WebhookEvent.objects.filter(kind="viber").count() == 1


def test_the_sweep_processes_what_was_stored_during_the_outage(
    app, world, page, bot, no_platform_reached
):
    post_test_channel(app, webhook_body(message_event("m1", text="Where is my order?")))
    post_facebook(app, messenger_text("m_outage_1", "Is the blue one back?"))
    post_viber(app, bot, viber_text("Когда придёт посылка?"))
    assert WebhookEvent.objects.count() == 3

    # Redis is back for this process (a worker); the sweep takes what nobody queued.
    past = timezone.now() - timedelta(seconds=django_settings.SOCIALCARE_SWEEP_AFTER_SECONDS + 1)
    WebhookEvent.objects.update(queued_at=past)
    assert services.events_sweep() == 3

    assert sorted(Message.objects.values_list("text", flat=True)) == [
        "Is the blue one back?",
        "Where is my order?",
        "Когда придёт посылка?",
    ]
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_forged_webhook_is_still_refused(app, world):
    body = webhook_body(message_event("m1"))
    response = requests.post(
        f"{app.url}/webhooks/testchannel/",
        data=body,
        headers={"Content-Type": "application/json", "X-Test-Signature": "0" * 64},
        timeout=CLIENT_TIMEOUT,
    )

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


# --- pages, settings, health, the live stream ---------------------------------------------


def test_the_inbox_and_a_conversation_render(app, world):
    conversation = ConversationFactory(account=world.acme)
    cookies = session_cookie(world, world.alice)

    inbox = requests.get(f"{app.url}/", cookies=cookies, timeout=CLIENT_TIMEOUT)
    pane = requests.get(f"{app.url}/c/{conversation.pk}/", cookies=cookies, timeout=CLIENT_TIMEOUT)

    assert inbox.status_code == 200
    assert pane.status_code == 200
    assert conversation.contact.name in pane.text


def test_the_settings_screens_render(app, world, page):
    cookies = session_cookie(world, world.adam)

    channels = requests.get(
        f"{app.url}/settings/channels/", cookies=cookies, timeout=CLIENT_TIMEOUT
    )
    detail = requests.get(
        f"{app.url}/settings/channels/{page.pk}/", cookies=cookies, timeout=CLIENT_TIMEOUT
    )

    assert channels.status_code == 200
    assert "Northwind Outdoor" in channels.text
    assert detail.status_code == 200


def test_the_live_stream_ends_and_then_says_redis_is_down(app, world):
    cookies = session_cookie(world, world.alice)

    first = requests.get(f"{app.url}/events/", cookies=cookies, timeout=CLIENT_TIMEOUT)
    second = requests.get(f"{app.url}/events/", cookies=cookies, timeout=CLIENT_TIMEOUT)

    # The first either found Redis down at once or found out and ended: either way it
    # ended (requests read it to the end) instead of streaming keepalives from nowhere.
    assert first.status_code in (200, 503)
    assert b"event: reconnect" not in first.content
    assert second.status_code == 503
    assert "Redis" in second.text


def test_healthz_answers_503_naming_redis(app, world):
    response = requests.get(f"{app.url}/healthz", timeout=CLIENT_TIMEOUT)

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error: redis unreachable")


# --- connecting accounts ------------------------------------------------------------------


def test_channels_add_connects_a_page_without_redis(app, world, tmp_path):
    graph = FakeGraph()
    with serving(graph) as graph_url:
        env = {**app.env, "FACEBOOK_GRAPH_URL": graph_url, "FACEBOOK_APP_ID": graph.app_id}
        done = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "manage.py", "channels", "add", "facebook", "--name", "Northwind"]
            + ["--page-id", FB_PAGE, "--access-token", "EAAGpage-token", "--team", "Support"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        calls = requests.get(f"{graph_url}/_sandbox/calls", timeout=CLIENT_TIMEOUT).json()

    assert done.returncode == 0, done.stderr
    account = ChannelAccount.objects.get(pk=int(done.stdout.strip()))
    assert (account.kind, account.external_id, account.status) == (
        "facebook",
        FB_PAGE,
        ChannelAccount.Status.ACTIVE,
    )
    assert any(
        c["method"] == "POST" and c["path"].rstrip("/").endswith(f"{FB_PAGE}/subscribed_apps")
        for c in calls
    )


def test_an_admin_connects_a_viber_bot_without_redis(app, world):
    requests.post(f"{app.viber_url}/_sandbox/reset", timeout=CLIENT_TIMEOUT).raise_for_status()
    browser = requests.Session()
    browser.cookies.update(session_cookie(world, world.adam))
    connect = f"{app.url}/settings/channels/viber/connect/"

    form = browser.get(connect, timeout=CLIENT_TIMEOUT)
    pasted = browser.post(
        connect,
        data={"auth_token": VIBER_TOKEN, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        timeout=CLIENT_TIMEOUT,
    )
    confirmed = browser.post(
        f"{app.url}/settings/channels/viber/confirm/",
        data={"teams": [world.support.pk], "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        timeout=CLIENT_TIMEOUT,
    )

    assert form.status_code == 200
    assert pasted.status_code == 200  # the confirm step, after the redirect
    assert confirmed.status_code == 200
    assert "Connected the Viber bot Acme Support" in confirmed.text
    account = ChannelAccount.objects.get(kind="viber")
    assert account.status == ChannelAccount.Status.ACTIVE
    # Viber checks the new webhook with a signed callback, and would refuse the webhook
    # (failing the connect) unless it is answered 200.
    webhook = f"{app.url}/webhooks/viber/{account.pk}/"
    wait_for(
        lambda: any(d["url"] == webhook for d in app.viber.deliveries),
        "Viber's check of the new webhook",
    )
    assert [d for d in app.viber.deliveries if d["url"] == webhook] == [
        {"url": webhook, "status": 200}
    ]
    assert WebhookEvent.objects.filter(account=account).count() == 1
