"""HTTPS, HSTS and the Content-Security-Policy, as a browser and a health check meet them.

The HTTPS settings are derived from the environment at start-up, so they are read from a
fresh process; how they behave is checked against the real web server of the compose file
(uvicorn with --proxy-headers) behind a pretend TLS proxy that sends X-Forwarded-Proto.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.e2e.browser import customer
from tests.factories import LabelFactory

ROOT = Path(__file__).resolve().parent.parent
FERNET_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
STRONG_SECRET = "a-secret-for-this-test-only-0123456789-abcdef"
ONE_YEAR = 365 * 24 * 3600
PRODUCTION = {"SECRET_KEY": STRONG_SECRET, "FIELD_ENCRYPTION_KEY": FERNET_KEY, "DEBUG": "0"}


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "socialcare.settings",
        "SOCIALCARE_VAR_DIR": str(tmp_path / "var"),
        **values,
    }


def https_settings(tmp_path: Path, **values: str) -> dict:
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
    ]
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(tmp_path, **values),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- what the environment turns on ----------------------------------------------------------


def test_an_https_public_url_turns_on_the_redirect_and_a_year_of_hsts(tmp_path):
    found = https_settings(tmp_path, **PRODUCTION, SOCIALCARE_PUBLIC_URL="https://care.example")

    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] == ONE_YEAR
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert found["SECURE_HSTS_PRELOAD"] is False
    assert found["SESSION_COOKIE_SECURE"] is True
    # uvicorn's --proxy-headers decides which proxies to believe; Django believes no header.
    assert found["SECURE_PROXY_SSL_HEADER"] is None


def test_a_plain_http_public_url_leaves_https_off(tmp_path):
    found = https_settings(tmp_path, **PRODUCTION, SOCIALCARE_PUBLIC_URL="http://10.0.0.5:8000")

    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0


def test_debug_mode_never_redirects_a_laptop_to_https(tmp_path):
    found = https_settings(tmp_path, DEBUG="1", SOCIALCARE_PUBLIC_URL="https://care.example")

    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0


def test_the_operator_chooses_the_hsts_time_subdomains_preload_and_the_redirect(tmp_path):
    found = https_settings(
        tmp_path,
        **PRODUCTION,
        SOCIALCARE_PUBLIC_URL="https://care.example",
        SOCIALCARE_HSTS_SECONDS="3600",
        SOCIALCARE_HSTS_INCLUDE_SUBDOMAINS="1",
        SOCIALCARE_HSTS_PRELOAD="1",
        SOCIALCARE_SSL_REDIRECT="0",
    )

    assert found["SECURE_HSTS_SECONDS"] == 3600
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_HSTS_PRELOAD"] is True
    assert found["SECURE_SSL_REDIRECT"] is False


# --- behind a TLS proxy, under the compose file's web server --------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def web_server(tmp_path: Path, **values: str) -> Iterator[int]:
    """uvicorn as docker-compose.yml starts it, on a migrated SQLite database."""
    env = environment(
        tmp_path,
        **PRODUCTION,
        SOCIALCARE_PUBLIC_URL="https://care.example",
        ALLOWED_HOSTS="care.example,127.0.0.1,localhost",
        **values,
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    # A file, not a pipe nobody reads while it runs: a chatty server would block on a full pipe.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed once the server stopped
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "socialcare.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--proxy-headers"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, _output(log)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "uvicorn did not start listening"
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _output(log) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")


def ask(port: int, path: str, *, method: str = "GET", proxied_https: bool = False, body=None):
    headers = {"Host": "care.example"}
    if proxied_https:
        headers["X-Forwarded-Proto"] = "https"
    if body is not None:
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


@pytest.fixture(scope="module")
def https_site(tmp_path_factory) -> Iterator[int]:
    with web_server(tmp_path_factory.mktemp("https-site")) as port:
        yield port


def test_plain_http_is_sent_to_the_https_address(https_site):
    response = ask(https_site, "/accounts/login/?next=/")

    assert response.status == 301
    assert response.getheader("Location") == "https://care.example/accounts/login/?next=/"


def test_a_request_through_the_tls_proxy_is_answered_with_hsts_and_the_policy(https_site):
    # An API answer, not a page: pages need collectstatic's manifest, which the image has.
    response = ask(https_site, "/api/v1/conversations/", proxied_https=True)

    assert response.status == 401
    assert response.getheader("Strict-Transport-Security") == f"max-age={ONE_YEAR}"
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")


def test_the_containers_health_check_gets_through_over_plain_http(https_site):
    response = ask(https_site, "/healthz")

    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") is None


def test_a_webhook_through_the_tls_proxy_reaches_its_view(https_site):
    # Unsigned, so refused by the view itself: proof it was not redirected on the way.
    response = ask(
        https_site, "/webhooks/viber/1/", method="POST", proxied_https=True, body=b'{"event":"x"}'
    )

    assert response.status in {403, 404}


def test_a_forwarded_scheme_from_an_untrusted_address_is_not_believed(tmp_path):
    with web_server(tmp_path, FORWARDED_ALLOW_IPS="10.9.9.9") as port:
        response = ask(port, "/api/v1/conversations/", proxied_https=True)

    assert response.status == 301
    assert response.getheader("Strict-Transport-Security") is None


# --- the Content-Security-Policy ---------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def test_every_page_gets_a_policy_that_allows_only_our_own_scripts_and_styles(client, world):
    found = policy(client.get("/accounts/login/"))

    assert found["default-src"] == ["'self'"]
    assert found["script-src"] == ["'self'"]
    assert found["style-src"] == ["'self'"]
    assert found["img-src"] == ["'self'", "data:", "https:"]
    assert found["connect-src"] == ["'self'"]
    assert found["frame-ancestors"] == ["'none'"]
    assert found["form-action"] == ["'self'"]
    assert found["base-uri"] == ["'self'"]
    assert found["object-src"] == ["'none'"]


class InlineCode(HTMLParser):
    """What a policy without 'unsafe-inline' would block: inline scripts, style elements and
    attributes, event-handler attributes and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        # A JSON data block ({{ value|json_script }}) is never run, so no policy covers it.
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=...>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_main_screens_carry_no_inline_code_the_policy_would_block(world):
    labelled = customer(world, "Anna", "Where is my parcel?")
    labelled.labels.add(LabelFactory(name="Urgent", color="#dc2626"))
    agent, admin = world.client_for(world.alice), world.client_for(world.adam)
    screens = {
        "inbox": agent.get("/"),
        "conversation": agent.get(f"/c/{labelled.pk}/"),
        "canned responses": agent.get("/canned/"),
        "preferences": agent.get("/settings/me/"),
        "channels": admin.get("/settings/channels/"),
        "a channel": admin.get(f"/settings/channels/{world.acme.pk}/"),
    }

    for name, response in screens.items():
        assert response.status_code == 200, name
        assert inline_code(response.content.decode()) == [], name
    assert b'data-label-color="#dc2626"' in screens["conversation"].content


def test_the_login_page_carries_no_inline_code(client, world):
    response = client.get("/accounts/login/")

    assert inline_code(response.content.decode()) == []


def test_the_parser_sees_what_the_policy_blocks():
    html = (
        "<script>alert(1)</script><style>p{}</style><p style='color:red' onclick='x()'>"
        "<a href='javascript:void(0)'>x</a><div hx-on:click='x()'></div>"
        '<script type="application/json" id="texts">{"a": 1}</script>'
    )

    assert len(inline_code(html)) == 6
