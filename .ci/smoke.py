"""CI's production smoke test: the shipped install, run the way docker-compose.yml runs it.

`.ci/smoke` builds a virtual environment with the runtime dependencies only and runs this
driver with it. The driver copies the checkout as the Docker build would (without what
.dockerignore leaves out), resets its own PostgreSQL database and Redis database, and with
DEBUG=0, freshly generated keys and the sandbox off it:

- imports every project module, collects static files as the Dockerfile does and migrates
  as the web service does;
- starts the web server, a worker and beat with the compose file's commands (on free
  local ports; tests/test_setup.py checks the commands stay the compose file's);
- connects a Viber bot with `manage.py channels add` against a local fake of Viber's REST
  Bot API (stdlib only, answering in Viber's documented shapes), posts a signed callback
  in Viber's shape, waits for the conversation in the REST API, replies through the API,
  and checks the reply reaches the fake and becomes `sent`;
- fails if any process dies, printing every process's log.

It uses nothing but the standard library: the runtime environment has no dev tools.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fnmatch
import hashlib
import hmac
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The commands docker-compose.yml gives web (migrate, then uvicorn), worker and beat, and
# the Dockerfile's collectstatic, word for word; only uvicorn's address is swapped for a
# free local port when they run.
MIGRATE = ["python", "manage.py", "migrate", "--noinput"]
WEB = [
    "uvicorn",
    "socialcare.asgi:application",
    "--host",
    "0.0.0.0",  # noqa: S104 - replaced by 127.0.0.1 before it runs
    "--port",
    "8000",
    "--proxy-headers",
    "--timeout-graceful-shutdown",
    "5",
]
WORKER = ["celery", "-A", "socialcare", "worker", "-Q", "ingest,send,poll", "--loglevel", "INFO"]
BEAT = ["celery", "-A", "socialcare", "beat", "--loglevel", "INFO"]
COLLECTSTATIC = ["python", "manage.py", "collectstatic", "--noinput"]

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/socialcare_smoke"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/2"

# The captured shape of a customer's text message to a bot (Viber's `message` callback).
MESSAGE_FIXTURE = Path("tests/viber/fixtures/message_text.json")
SIGNATURE_HEADER = "X-Viber-Content-Signature"
BOT_TOKEN = "smoke-bot-token-" + secrets.token_hex(8)
BOT_ID = "pa:5840000000000000042"
BOT_NAME = "Smoke Support"
REPLY_TEXT = "Thanks for writing, your parcel is on its way. <b>not bold</b>"

# Generous, so a slow CI machine passes; beat's first sweep is due 30 s after it starts.
START_TIMEOUT = 60
FLOW_TIMEOUT = 45
BEAT_TIMEOUT = 75

# The project's own code; tests/ and bench/ are not shipped to run.
PACKAGES = [
    "socialcare",
    "inbox",
    "channels_fb",
    "channels_ig",
    "channels_twitter",
    "channels_viber",
]
# Run by the runtime environment's python: a module a dev tool alone provides fails here.
IMPORT_EVERY_MODULE = """
import importlib, os, pkgutil, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcare.settings")
django.setup()
count = 0
for top in sys.argv[1:]:
    package = importlib.import_module(top)
    count += 1
    for info in pkgutil.walk_packages(package.__path__, top + "."):
        importlib.import_module(info.name)
        count += 1
print(count)
"""


class SmokeFailure(Exception):
    pass


# --- the local fake of Viber's REST Bot API ---------------------------------------------


@dataclass
class FakeViber:
    """One bot, answering as Viber's REST Bot API does (HTTP 200, `status` 0 or an error
    code); keeps what it was sent."""

    token: str
    calls: list[dict] = field(default_factory=list)
    sent: list[dict] = field(default_factory=list)
    webhook: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    tokens: Any = field(default_factory=lambda: itertools.count(5741311803571729001))

    def answer(self, method: str, token: str, body: dict) -> tuple[int, dict]:
        with self.lock:
            self.calls.append({"method": method, "body": body})
        if token != self.token:
            return 200, {"status": 2, "status_message": "invalidAuthToken"}
        handler = {
            "get_account_info": self.account_info,
            "set_webhook": self.set_webhook,
            "send_message": self.send_message,
            "get_user_details": self.user_details,
        }.get(method)
        if handler is None:
            return 404, {"status": 3, "status_message": "badData", "error": "unknown method"}
        return 200, handler(body)

    def account_info(self, body: dict) -> dict:
        return ok(
            id=BOT_ID,
            name=BOT_NAME,
            uri="smokesupport",
            icon="https://media-direct.cdn.viber.com/pg_download?id=smoke",
            category="Shopping",
            country="GR",
            webhook=self.webhook,
            event_types=["delivered", "seen", "failed", "subscribed", "unsubscribed"],
            subscribers_count=1,
            members=[],
        )

    def set_webhook(self, body: dict) -> dict:
        url = str(body.get("url") or "")
        # Viber checks a new webhook with a signed `event: webhook` callback during the
        # call, and refuses the address unless that callback gets a 200.
        if url and verify_callback(url, self.token) != 200:
            return {"status": 1, "status_message": "invalidUrl"}
        self.webhook = url
        return ok(chat_hostname="SN-CHAT-01_", event_types=body.get("event_types") or [])

    def send_message(self, body: dict) -> dict:
        sender = body.get("sender") or {}
        if not body.get("receiver") or not sender.get("name") or not body.get("type"):
            return {"status": 4, "status_message": "missingData"}
        if len(sender["name"]) > 28:
            return {"status": 3, "status_message": "badData"}
        token = next(self.tokens)
        with self.lock:
            self.sent.append({"message_token": token, **body})
        return ok(message_token=token, chat_hostname="SN-CHAT-01_")

    def user_details(self, body: dict) -> dict:
        return ok(user={"id": body.get("id", ""), "name": "Smoke Customer", "language": "el"})


def ok(**fields: Any) -> dict:
    return {"status": 0, "status_message": "ok", **fields}


def viber_signature(body: bytes, token: str) -> str:
    """X-Viber-Content-Signature: hex HMAC-SHA256 of the raw body, keyed with the bot token."""
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def verify_callback(url: str, token: str) -> int:
    event = {
        "event": "webhook",
        "timestamp": int(time.time() * 1000),
        "chat_hostname": "SN-CHAT-01_",
        "message_token": 5741311803571721087,
    }
    body = json.dumps(event).encode()
    status, _ = http("POST", url, body, {SIGNATURE_HEADER: viber_signature(body, token)})
    return status


def serve_fake(fake: FakeViber, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = None
            method = self.path.strip("/").removeprefix("pa/")
            if not isinstance(body, dict):
                status, answer = 200, {"status": 3, "status_message": "badData"}
            else:
                token = self.headers.get("X-Viber-Auth-Token", "")
                status, answer = fake.answer(method, token, body)
            content = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # fake.calls records every call; the console stays readable

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- HTTP, ports, PostgreSQL and Redis ------------------------------------------------------


def http(
    method: str, url: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - local URLs
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        return 0, str(exc).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_reset(url: str) -> None:
    """Drop and create the smoke test's own database (stale connections are cut off)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"\w+", name):
        raise SmokeFailure(f"not a database name: {name!r}")
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    args += ["-U", parts.username or "postgres"]
    env = {**os.environ, "PGPASSWORD": urllib.parse.unquote(parts.password or "")}
    for program in (["dropdb", "--if-exists", "--force"], ["createdb"]):
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, our arguments
            [*program, *args, name], env=env, capture_output=True, text=True, timeout=60
        )
        if result.returncode != 0:
            raise SmokeFailure(f"{program[0]} {name}: {result.stderr.strip()}")


def redis_flushdb(url: str) -> None:
    """Empty the smoke test's own Redis database (SELECT n, FLUSHDB), in Redis's protocol."""
    parts = urllib.parse.urlsplit(url)
    db = parts.path.lstrip("/") or "0"
    commands = [["SELECT", db], ["FLUSHDB"]]
    if parts.password:
        commands.insert(0, ["AUTH", urllib.parse.unquote(parts.password)])
    wire = b"".join(
        f"*{len(c)}\r\n".encode() + b"".join(f"${len(a)}\r\n{a}\r\n".encode() for a in c)
        for c in commands
    )
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=5) as sock:
            sock.sendall(wire)
            replies = b""
            while replies.count(b"\r\n") < len(commands):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                replies += chunk
    except OSError as exc:
        raise SmokeFailure(f"Redis at {parts.hostname}:{parts.port or 6379}: {exc}") from exc
    if any(not line.startswith(b"+OK") for line in replies.split(b"\r\n") if line):
        raise SmokeFailure(f"Redis refused SELECT {db}/FLUSHDB: {replies!r}")


# --- the shipped tree ---------------------------------------------------------------------


def dockerignored(patterns: list[str]) -> Callable[[str, list[str]], set[str]]:
    """shutil.copytree's ignore for .dockerignore's simple patterns (`name`, `**/name`)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(ROOT)
        skipped = set()
        for name in names:
            path = (relative / name).as_posix()
            for pattern in patterns:
                if pattern.startswith("**/"):
                    hit = fnmatch.fnmatch(name, pattern[3:])
                else:
                    hit = fnmatch.fnmatch(path, pattern.rstrip("/"))
                if hit:
                    skipped.add(name)
        return skipped

    return ignore


def copy_build_context(target: Path) -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    shutil.copytree(ROOT, target, ignore=dockerignored(patterns), symlinks=True)


# --- processes ------------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Smoke:
    def __init__(self, *, venv: Path, workdir: Path, database_url: str, redis_url: str) -> None:
        self.venv = venv
        self.workdir = workdir
        self.app = workdir / "app"
        self.logs = workdir / "logs"
        self.database_url = database_url
        self.redis_url = redis_url
        self.web_port = free_port()
        self.fake_port = free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.processes: list[Process] = []
        self.commands: list[Path] = []  # logs of the one-off commands, shown on failure
        self.passed: list[str] = []
        self.failed: list[str] = []
        self.fake = FakeViber(token=BOT_TOKEN)
        self.api_token = ""
        # Filled in as the steps go: the bot's account, the customer's callback, the reply.
        self.account_id = 0
        self.customer: dict = {}
        self.conversation_id = 0
        self.reply_id = 0
        self.env = self.environment()

    def environment(self) -> dict[str, str]:
        """What the compose file hands web, worker and beat, pointed at local services;
        nothing of the caller's environment leaks in."""
        home = self.workdir / "home"
        home.mkdir(parents=True, exist_ok=True)
        return {
            "PATH": f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": "",
            "SOCIALCARE_PUBLIC_URL": self.base,
            "SOCIALCARE_VAR_DIR": str(self.workdir / "var"),
            "SOCIALCARE_SANDBOX": "0",
            "DEBUG": "0",
            "LOG_LEVEL": "INFO",
            "FORWARDED_ALLOW_IPS": "*",
            "VIBER_API_URL": f"http://127.0.0.1:{self.fake_port}/pa",
            "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(24),
        }

    # --- running things ---------------------------------------------------------------

    def argv(self, argv: list[str]) -> list[str]:
        program = shutil.which(argv[0], path=str(self.venv / "bin"))
        if program is None:
            raise SmokeFailure(f"{argv[0]} is not in the runtime environment {self.venv}")
        return [program, *argv[1:]]

    def run(self, name: str, argv: list[str], *, shown: str = "", timeout: int = 180) -> str:
        """A one-off command in the app; its output is kept for the failure report."""
        shown = shown or " ".join(argv)
        log = self.logs / f"{name}.log"
        self.commands.append(log)
        result = subprocess.run(  # noqa: S603 - the project's commands, from this file
            self.argv(argv),
            cwd=self.app,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        log.write_text(f"$ {shown}\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            raise SmokeFailure(f"`{shown}` exited {result.returncode}")
        return result.stdout

    def start(self, name: str, argv: list[str]) -> Process:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(  # noqa: S603 - the compose file's commands
                self.argv(argv),
                cwd=self.app,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own process group, so stopping it stops the worker's pool children too.
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            signal_group(process.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            signal_group(process.popen.pid, signal.SIGKILL)
            process.popen.wait()

    def wait_for(self, what: str, ready: Callable[[], Any], timeout: float) -> Any:
        """Poll `ready` until it returns something true; fail at once if a process died."""
        deadline = time.monotonic() + timeout
        while True:
            self.require_all_alive()
            value = ready()
            if value:
                return value
            if time.monotonic() > deadline:
                raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(0.25)

    def require_all_alive(self) -> None:
        dead = [p for p in self.processes if not p.alive()]
        if dead:
            raise SmokeFailure(
                "; ".join(f"{p.name} exited with code {p.popen.returncode}" for p in dead)
            )

    def api(self, method: str, path: str, payload: dict | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Token {self.api_token}", "Accept": "application/json"}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        status, content = http(method, f"{self.base}/api/v1/{path}", body, headers)
        try:
            return status, json.loads(content or b"null")
        except ValueError:
            return status, content.decode(errors="replace")

    # --- the steps --------------------------------------------------------------------

    def step(self, name: str, action: Callable[[], str | None]) -> None:
        started = time.monotonic()
        try:
            detail = action()
        except SmokeFailure as exc:
            self.failed.append(name)
            print(f"FAIL  {name}: {exc}", flush=True)
            raise
        self.passed.append(name)
        suffix = f" ({detail})" if detail else ""
        print(f"ok    {name}{suffix} [{time.monotonic() - started:.1f} s]", flush=True)

    def steps(self) -> list[tuple[str, Callable[[], str | None]]]:
        return [
            ("the shipped tree, a fresh database and Redis db", self.prepare),
            ("every project module imports on the runtime install", self.import_every_module),
            ("collectstatic, as the Dockerfile runs it", self.collectstatic),
            ("migrate, as the web service runs it", self.migrate),
            ("the web server answers /healthz with database and broker ok", self.start_web),
            ("a worker is ready on the ingest, send and poll queues", self.start_worker),
            ("beat starts", self.start_beat),
            ("the login page and its hashed static files are served", self.pages),
            ("an admin and an API token (createsuperuser, drf_create_token)", self.admin),
            ("channels add viber: token checked, webhook registered", self.connect_bot),
            ("a forged callback gets 403", self.forged_callback),
            ("a signed callback gets 200", self.signed_callback),
            ("the conversation appears in the REST API", self.conversation_appears),
            ("a reply through the REST API reaches Viber", self.reply_reaches_viber),
            ("the reply becomes sent", self.reply_sent),
            ("beat's schedule reaches the worker through Redis", self.beat_reaches_worker),
            ("web, worker and beat are all still running", self.all_alive),
        ]

    def prepare(self) -> str:
        self.logs.mkdir(parents=True, exist_ok=True)
        copy_build_context(self.app)
        database_reset(self.database_url)
        redis_flushdb(self.redis_url)
        return f"{self.database_url}, {self.redis_url}"

    def import_every_module(self) -> str:
        argv = ["python", "-c", IMPORT_EVERY_MODULE, *PACKAGES]
        count = self.run("import", argv, shown="python -c <import every module>").strip()
        return f"{count} modules"

    def collectstatic(self) -> None:
        self.run("collectstatic", COLLECTSTATIC)

    def migrate(self) -> None:
        self.run("migrate", MIGRATE)

    def start_web(self) -> str:
        argv = list(WEB)
        argv[argv.index("--host") + 1] = "127.0.0.1"
        argv[argv.index("--port") + 1] = str(self.web_port)
        self.start("web", argv)

        last = ["no answer yet"]

        def healthy() -> dict | None:
            status, content = http("GET", f"{self.base}/healthz")
            last[0] = f"{status} {content.decode(errors='replace')[:300]}"
            return json.loads(content) if status == 200 else None

        try:
            health = self.wait_for("/healthz to answer 200", healthy, START_TIMEOUT)
        except SmokeFailure as exc:
            raise SmokeFailure(f"{exc} (last answer: {last[0]})") from None
        if health.get("database") != "ok" or health.get("broker") != "ok":
            raise SmokeFailure(f"/healthz said {health}")
        return self.base

    def start_worker(self) -> None:
        worker = self.start("worker", WORKER)
        self.wait_for("the worker's `ready.`", lambda: " ready." in worker.output(), START_TIMEOUT)
        banner = worker.output()
        missing = [q for q in ("ingest", "send", "poll") if f".> {q} " not in banner]
        if missing:
            raise SmokeFailure(f"the worker does not consume {missing}")
        if "redis://" not in banner:
            raise SmokeFailure("the worker's broker is not Redis")

    def start_beat(self) -> None:
        beat = self.start("beat", BEAT)
        self.wait_for("beat's `Starting...`", lambda: "beat: Starting" in beat.output(), 30)

    def pages(self) -> str:
        status, content = http("GET", f"{self.base}/accounts/login/")
        if status != 200:
            raise SmokeFailure(f"/accounts/login/ answered {status}")
        # The manifest storage names each file by its content's hash.
        assets = re.findall(
            r"""(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))""", content.decode()
        )
        if not assets:
            raise SmokeFailure("the login page links no hashed static file")
        for asset in assets:
            asset_status, _ = http("GET", self.base + asset)
            if asset_status != 200:
                raise SmokeFailure(f"{asset} answered {asset_status}")
        return f"{len(assets)} static files"

    def admin(self) -> None:
        self.run(
            "createsuperuser",
            [
                "python",
                "manage.py",
                "createsuperuser",
                "--noinput",
                "--username",
                "smoke",
                "--email",
                "smoke@example.invalid",
            ],
        )
        output = self.run("drf_create_token", ["python", "manage.py", "drf_create_token", "smoke"])
        match = re.search(r"\b([0-9a-f]{40})\b", output)
        if match is None:
            raise SmokeFailure(f"no token in drf_create_token's output: {output!r}")
        self.api_token = match.group(1)

    def connect_bot(self) -> str:
        output = self.run(
            "channels_add",
            [
                "python",
                "manage.py",
                "channels",
                "add",
                "viber",
                "--name",
                BOT_NAME,
                "--auth-token",
                BOT_TOKEN,
            ],
        )
        self.account_id = int(output.strip())
        expected = f"{self.base}/webhooks/viber/{self.account_id}/"
        if self.fake.webhook != expected:
            raise SmokeFailure(f"the bot's webhook is {self.fake.webhook!r}, not {expected!r}")
        return f"account {self.account_id}"

    def callback(self, body: bytes, signature: str) -> int:
        url = f"{self.base}/webhooks/viber/{self.account_id}/"
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        status, _ = http("POST", url, body, headers)
        return status

    def forged_callback(self) -> None:
        body = json.dumps({**self.message(), "message_token": 1}).encode()
        status = self.callback(body, viber_signature(body, "not-the-bot-token"))
        if status != 403:
            raise SmokeFailure(f"a callback signed with another key answered {status}")

    def message(self) -> dict:
        payload = json.loads((self.app / MESSAGE_FIXTURE).read_text(encoding="utf-8"))
        return {**payload, "timestamp": int(time.time() * 1000)}

    def signed_callback(self) -> None:
        self.customer = self.message()
        body = json.dumps(self.customer, ensure_ascii=False).encode()
        status = self.callback(body, viber_signature(body, BOT_TOKEN))
        if status != 200:
            raise SmokeFailure(f"the signed callback answered {status}")

    def conversation_appears(self) -> str:
        def listed() -> dict | None:
            status, page = self.api("GET", "conversations/?channel=viber")
            if status != 200:
                raise SmokeFailure(f"GET conversations/ answered {status}: {page}")
            return page["results"][0] if page.get("results") else None

        conversation = self.wait_for("the conversation in the API", listed, FLOW_TIMEOUT)
        self.conversation_id = conversation["id"]
        name = self.customer["sender"]["name"]
        if conversation["contact"]["name"] != name:
            raise SmokeFailure(f"the contact is {conversation['contact']}, not {name!r}")
        texts = [m["text"] for m in self.messages()]
        if self.customer["message"]["text"] not in texts:
            raise SmokeFailure(f"the customer's text is not among {texts}")
        return f"conversation {self.conversation_id}"

    def messages(self) -> list[dict]:
        status, page = self.api("GET", f"conversations/{self.conversation_id}/messages/")
        if status != 200:
            raise SmokeFailure(f"GET messages/ answered {status}: {page}")
        return page["results"] if isinstance(page, dict) else page

    def reply_reaches_viber(self) -> None:
        status, message = self.api(
            "POST", f"conversations/{self.conversation_id}/replies/", {"text": REPLY_TEXT}
        )
        if status != 201:
            raise SmokeFailure(f"POST replies/ answered {status}: {message}")
        self.reply_id = message["id"]
        sent = self.wait_for("the send at the fake Viber", lambda: self.fake.sent, FLOW_TIMEOUT)
        got = sent[0]
        receiver = self.customer["sender"]["id"]
        if got.get("receiver") != receiver or got.get("text") != REPLY_TEXT:
            raise SmokeFailure(f"Viber got {got}, not {REPLY_TEXT!r} for {receiver}")
        if got.get("sender", {}).get("name") != BOT_NAME:
            raise SmokeFailure(f"the reply's sender is {got.get('sender')}")

    def reply_sent(self) -> str:
        def sent() -> dict | None:
            for message in self.messages():
                if message["id"] == self.reply_id and message["status"] not in {"queued"}:
                    return message
            return None

        message = self.wait_for("the reply to leave `queued`", sent, FLOW_TIMEOUT)
        token = str(self.fake.sent[0]["message_token"])
        if message["status"] != "sent" or message["external_id"] != token:
            raise SmokeFailure(
                f"the reply is {message['status']} ({message.get('error')!r}), "
                f"external id {message['external_id']!r} (Viber's token: {token})"
            )
        if len(self.fake.sent) != 1:
            raise SmokeFailure(f"Viber got {len(self.fake.sent)} sends for one reply")
        return f"message {self.reply_id}, Viber token {token}"

    def beat_reaches_worker(self) -> None:
        worker = next(p for p in self.processes if p.name == "worker")
        done = re.compile(r"Task inbox\.tasks\.sweep_unprocessed_events\[[^\]]+\] succeeded")
        self.wait_for(
            "the worker to run beat's first sweep",
            lambda: done.search(worker.output()),
            BEAT_TIMEOUT,
        )

    def all_alive(self) -> str:
        self.require_all_alive()
        return ", ".join(f"{p.name} pid {p.popen.pid}" for p in self.processes)

    # --- reporting --------------------------------------------------------------------

    def report_logs(self) -> None:
        for process in self.processes:
            state = "running" if process.alive() else f"exited {process.popen.returncode}"
            print(f"\n---- {process.name} (pid {process.popen.pid}, {state})")
            print(tail(process.output()))
        for log in self.commands:
            print(f"\n---- {log.stem}")
            print(tail(log.read_text(errors="replace") if log.exists() else ""))
        print("\n---- the fake Viber's calls")
        for call in self.fake.calls:
            print(json.dumps(call, ensure_ascii=False)[:500])


def tail(text: str, lines: int = 150) -> str:
    kept = text.splitlines()[-lines:]
    return "\n".join(kept) if kept else "(no output)"


def signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, required=True, help="the runtime-only venv")
    parser.add_argument("--workdir", type=Path, required=True, help="an empty scratch directory")
    args = parser.parse_args()
    smoke = Smoke(
        venv=args.venv.resolve(),
        workdir=args.workdir.resolve(),
        database_url=os.environ.get("SMOKE_DATABASE_URL", DEFAULT_DATABASE_URL),
        redis_url=os.environ.get("SMOKE_REDIS_URL", DEFAULT_REDIS_URL),
    )

    # .ci/smoke's trap sends TERM when it is interrupted: stop the processes on the way out.
    def interrupted(signum: int, _frame: Any) -> None:
        raise SmokeFailure(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    server = serve_fake(smoke.fake, smoke.fake_port)
    steps = smoke.steps()
    try:
        for name, action in steps:
            smoke.step(name, action)
    except (SmokeFailure, KeyboardInterrupt) as exc:
        if not isinstance(exc, SmokeFailure):
            smoke.failed.append("interrupted")
        smoke.report_logs()
    finally:
        # A second TERM must not cut the clean-up short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        smoke.stop_all()
        server.shutdown()
    not_run = len(steps) - len(smoke.passed) - len(smoke.failed)
    note = f" ({not_run} not run after the failure)" if smoke.failed and not_run > 0 else ""
    print(f"\nsmoke: {len(smoke.passed)} passed, {len(smoke.failed)} failed{note}")
    return 1 if smoke.failed else 0


if __name__ == "__main__":
    sys.exit(main())
