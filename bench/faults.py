"""`make faults`: the guarantees under fire, on the production shape.

    .venv/bin/python -m bench.faults [--messages 10000] [--redeliveries 0.2]

Starts its own PostgreSQL database, its own Redis (so it may kill it) and the production
processes with docker-compose.yml's commands (uvicorn, a Celery worker, Celery beat), with
the sandbox off and Facebook's Graph API pointed at the local fake (served from this
process). Then it posts a burst of signed Messenger webhooks (threads written in order,
delivered out of order, a share of them delivered twice as Meta retries do) and sends
replies through the REST API while it SIGKILLs, in turn, the worker, Redis and the web
server, restarting each.

Afterwards it checks what the README promises: nothing lost, nothing stored twice, every
stored delivery answered 200 (never a 5xx), every thread shown in the order the customer
wrote it, no reply sent twice, and no process died that was not killed on purpose. It ends
with `faults: N passed, N failed` and exits non-zero on any failure.
"""

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from inbox.signing import hmac_sha256_hex
from tests.wsgi_server import serving

ROOT = Path(__file__).resolve().parent.parent
PAGE_ID = "104857600123456"
PER_THREAD = 50
REPLY_MARK = "fault-run reply"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000, help="customer messages")
    parser.add_argument(
        "--redeliveries", type=float, default=0.2, help="share delivered a second time"
    )
    parser.add_argument("--replies", type=int, default=60, help="replies sent during the burst")
    parser.add_argument("--senders", type=int, default=8, help="concurrent webhook senders")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/socialcare_faults",
        help="dropped and created afresh",
    )
    parser.add_argument("--drain-timeout", type=float, default=300, help="seconds to settle")
    parser.add_argument("--keep", action="store_true", help="keep the logs directory")
    return parser.parse_args(argv)


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# What the run keeps open (the fake Graph's server) and every process it starts, so that
# any way out stops them all.
STACK = ExitStack()
STARTED: list["Proc"] = []


@dataclass
class Proc:
    name: str
    argv: list[str]
    env: dict
    logs: Path
    popen: subprocess.Popen | None = None
    kills: int = 0
    starts: int = 0

    def start(self) -> None:
        if not any(proc is self for proc in STARTED):
            STARTED.append(self)
        self.starts += 1
        log = open(self.logs / f"{self.name}.log", "ab")  # noqa: SIM115 - the child keeps it
        log.write(f"\n==== start {self.starts} ====\n".encode())
        self.popen = subprocess.Popen(  # noqa: S603 - our own fixed commands
            self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        self.kills += 1
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()

    def died(self) -> bool:
        """Exited without being killed by us."""
        return self.popen is not None and self.popen.poll() is not None

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()

    def tail(self, lines: int = 30) -> str:
        text = (self.logs / f"{self.name}.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own fixed commands
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_for_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


# --- the burst ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    body: bytes
    mid: str


def messenger_body(*, psid: str, mid: str, text: str, timestamp_ms: int) -> bytes:
    """One Messenger text message, in the shape Meta documents for the page webhook."""
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": timestamp_ms + 300,
                    "messaging": [
                        {
                            "sender": {"id": psid},
                            "recipient": {"id": PAGE_ID},
                            "timestamp": timestamp_ms,
                            "message": {"mid": mid, "text": text},
                        }
                    ],
                }
            ],
        }
    ).encode()


def plan_deliveries(messages: int, redeliveries: float, rng: random.Random) -> list[Delivery]:
    """Threads written in order, delivered out of order, some of them twice."""
    threads = max(1, messages // PER_THREAD)
    start = int(time.time() * 1000) - 2 * 3600 * 1000
    timed = []
    for n in range(messages):
        thread, position = n % threads, n // threads
        psid = f"{7100000000000000 + thread}"
        when = start + position * 60_000 + thread * 7
        mid = f"m_fault_{thread:05d}_{position:04d}"
        body = messenger_body(
            psid=psid, mid=mid, text=f"fault {thread}-{position}", timestamp_ms=when
        )
        # Deliveries run roughly in time order, reordered within a few minutes.
        timed.append((when + rng.uniform(-240_000, 240_000), Delivery(body, mid)))
    timed.sort(key=lambda pair: pair[0])
    keyed = [(float(i), delivery) for i, (_, delivery) in enumerate(timed)]
    for i in rng.sample(range(len(timed)), int(len(timed) * redeliveries)):
        # Meta retries the very same body, some time later.
        keyed.append((rng.uniform(i + 1, len(timed) + 1), timed[i][1]))
    keyed.sort(key=lambda pair: pair[0])
    return [delivery for _, delivery in keyed]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: Counter = field(default_factory=Counter)
    connection_errors: int = 0
    bad: list[str] = field(default_factory=list)
    # Messages whose delivery got its 200 at last (the sender retries until it does).
    answered_mids: set[str] = field(default_factory=set)
    done: int = 0

    def answer(self, status: int, detail: str = "") -> None:
        with self.lock:
            self.answers[status] += 1
            if status != 200:
                self.bad.append(f"{status} {detail}"[:300])

    def dropped(self) -> None:
        with self.lock:
            self.connection_errors += 1


def deliver(
    url: str, secret: str, delivery: Delivery, tally: Tally, local: threading.local
) -> None:
    session = getattr(local, "session", None) or requests.Session()
    local.session = session
    signature = "sha256=" + hmac_sha256_hex(secret, delivery.body)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    # Meta retries until it gets a 2xx; so does this sender (unanswered tries are counted).
    for _ in range(600):
        try:
            response = session.post(url, data=delivery.body, headers=headers, timeout=15)
        except requests.RequestException:
            tally.dropped()
            time.sleep(0.2)
            continue
        tally.answer(response.status_code, f"{delivery.mid}: {response.text[:120]}")
        if response.status_code == 200:
            with tally.lock:
                tally.answered_mids.add(delivery.mid)
            break
        time.sleep(0.2)
    with tally.lock:
        tally.done += 1


# --- the run --------------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    logs: Path
    env: dict
    web: Proc
    worker: Proc
    beat: Proc
    redis: Proc
    web_url: str
    token: str
    graph: object
    secret: str
    faults: list[str] = field(default_factory=list)
    reply_ids: list[int] = field(default_factory=list)
    reply_errors: list[str] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"{self.web_url}/api/v1"

    def get(self, path: str) -> dict:
        for _ in range(50):
            try:
                response = requests.get(
                    self.api + path, headers={"Authorization": f"Token {self.token}"}, timeout=30
                )
            except requests.RequestException:
                time.sleep(0.5)
                continue
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            response.raise_for_status()
            return response.json()
        raise SystemExit(f"GET {path} kept failing")

    def all_pages(self, path: str) -> Iterator[dict]:
        page = 1
        while True:
            separator = "&" if "?" in path else "?"
            data = self.get(f"{path}{separator}page={page}")
            yield from data["results"]
            if not data.get("next"):
                return
            page += 1


def setup(args: argparse.Namespace, logs: Path) -> Run:
    from cryptography.fernet import Fernet

    from channels_fb.sandbox.graph import FakeGraph

    graph = FakeGraph()
    # Served for the rest of the run (a daemon thread; the process ends with it).
    graph_url = STACK.enter_context(serving(graph))
    redis_port, web_port = free_port(), free_port()
    secret = secrets.token_hex(16)
    database = args.database_url.rsplit("/", 1)[1]
    server = args.database_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SOCIALCARE_", "FACEBOOK_"))},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": args.database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SOCIALCARE_SANDBOX": "0",
        "SOCIALCARE_VAR_DIR": str(logs / "var"),
        "SOCIALCARE_PUBLIC_URL": f"http://127.0.0.1:{web_port}",
        "SOCIALCARE_SWEEP_AFTER_SECONDS": "5",
        # The checks read every thread through the API: do not throttle the checker.
        "SOCIALCARE_API_THROTTLE_USER": "100000/min",
        "SOCIALCARE_API_THROTTLE_ANON": "100000/min",
        "FACEBOOK_APP_ID": "fault-run-app",
        "FACEBOOK_APP_SECRET": secret,
        "FACEBOOK_VERIFY_TOKEN": "fault-run-verify",
        "FACEBOOK_GRAPH_URL": graph_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    redis = Proc(
        "redis",
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        env,
        logs,
    )
    redis.start()
    manage(env, "migrate", "--noinput")
    manage(
        env, "channels", "add", "facebook", "--name", "Fault run",
        "--page-id", PAGE_ID, "--access-token", "fault-run-page-token",
    )  # fmt: skip
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16)},
        "createsuperuser", "--noinput", "--username", "faults", "--email", "faults@example.com",
    )  # fmt: skip
    token = manage(env, "drf_create_token", "faults").split()[2]
    web = Proc(
        "web",
        ["uvicorn", "socialcare.asgi:application", "--host", "127.0.0.1", "--port",
         str(web_port), "--timeout-graceful-shutdown", "5"],
        env, logs,
    )  # fmt: skip
    worker = Proc(
        "worker",
        ["celery", "-A", "socialcare", "worker", "-Q", "ingest,send,poll", "--loglevel", "INFO"],
        env,
        logs,
    )
    beat = Proc("beat", ["celery", "-A", "socialcare", "beat", "--loglevel", "INFO"], env, logs)
    for proc in (web, worker, beat):
        proc.start()
    wait_for_http(f"http://127.0.0.1:{web_port}/healthz")
    return Run(
        args, logs, env, web, worker, beat, redis, f"http://127.0.0.1:{web_port}", token, graph,
        secret,
    )  # fmt: skip


def inject_faults(run: Run, tally: Tally, total: int) -> None:
    """At a quarter, a half and three quarters of the burst: kill, wait, restart."""

    def at(share: float) -> None:
        while tally.done < total * share:
            time.sleep(0.05)

    at(0.25)
    run.worker.kill()
    run.faults.append(f"worker SIGKILL after {tally.done} deliveries")
    time.sleep(2)
    run.worker.start()
    at(0.5)
    run.redis.kill()
    run.faults.append(f"Redis SIGKILL after {tally.done} deliveries")
    time.sleep(4)
    run.redis.start()
    at(0.75)
    run.web.kill()
    run.faults.append(f"web server SIGKILL after {tally.done} deliveries")
    time.sleep(1)
    run.web.start()


def send_replies(run: Run, tally: Tally, total: int, stop: threading.Event) -> None:
    """Agents answer during the burst; a reply whose request got no answer is not retried
    (the agent would look before sending again), so each reply is sent at most once."""
    headers = {"Authorization": f"Token {run.token}", "Content-Type": "application/json"}
    sent = 0
    while sent < run.args.replies and not stop.is_set():
        time.sleep(0.1)
        if tally.done < total * sent / run.args.replies:
            continue
        try:
            listing = requests.get(f"{run.api}/conversations/", headers=headers, timeout=10)
            conversations = listing.json()["results"] if listing.status_code == 200 else []
        except (requests.RequestException, ValueError):
            continue
        if not conversations:
            continue
        conversation = random.choice(conversations)["id"]
        text = f"{REPLY_MARK} {sent}"
        sent += 1
        try:
            response = requests.post(
                f"{run.api}/conversations/{conversation}/replies/",
                data=json.dumps({"text": text}),
                headers=headers,
                timeout=15,
            )
        except requests.RequestException as exc:
            run.reply_errors.append(f"{text}: no answer ({type(exc).__name__})")
            continue
        if response.status_code == 201:
            run.reply_ids.append(response.json()["id"])
        else:
            run.reply_errors.append(f"{text}: {response.status_code} {response.text[:200]}")


def settle(run: Run) -> bool:
    """Wait until every event is processed and every reply left queued/sending."""
    deadline = time.monotonic() + run.args.drain_timeout
    with psycopg.connect(run.args.database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            pending = conn.execute(
                "SELECT count(*) FROM inbox_webhookevent WHERE processed_at IS NULL"
            ).fetchone()[0]
            unsent = conn.execute(
                "SELECT count(*) FROM inbox_message WHERE direction = 'out' "
                "AND status IN ('queued', 'sending')"
            ).fetchone()[0]
            if not pending and not unsent:
                return True
            time.sleep(1)
    return False


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def check(run: Run, tally: Tally, deliveries: list[Delivery], settled: bool) -> list[Check]:
    checks = [Check("the backlog settled", settled, f"within {run.args.drain_timeout:.0f} s")]
    unique = {d.mid for d in deliveries}
    with psycopg.connect(run.args.database_url, autocommit=True) as conn:
        stored = conn.execute(
            "SELECT count(*), count(DISTINCT external_id) FROM inbox_message "
            "WHERE external_id LIKE 'm_fault_%%'"
        ).fetchone()
        failed_events = conn.execute(
            "SELECT count(*) FROM inbox_webhookevent WHERE status = 'failed'"
        ).fetchone()[0]
        events = conn.execute("SELECT count(*) FROM inbox_webhookevent").fetchone()[0]
        replies = conn.execute(
            "SELECT id, text, status FROM inbox_message WHERE direction = 'out'"
        ).fetchall()
    checks.append(
        Check("nothing lost", stored[1] == len(unique), f"{stored[1]} of {len(unique)} stored")
    )
    checks.append(
        Check("nothing stored twice", stored[0] == stored[1], f"{stored[0]} rows, {stored[1]} ids")
    )
    checks.append(Check("no event failed", failed_events == 0, f"{failed_events} of {events}"))
    answered = tally.answers[200]
    checks.append(
        Check(
            "every answer was 200",
            not tally.bad,
            f"{answered} answered 200, {len(tally.bad)} otherwise {tally.bad[:3]}, "
            f"{tally.connection_errors} tries unanswered while a process was down",
        )
    )
    unanswered = unique - tally.answered_mids
    checks.append(
        Check(
            "every delivery was answered 200 in the end",
            not unanswered,
            f"{len(unique) - len(unanswered)} of {len(unique)} messages; {events} events stored",
        )
    )
    checks.append(thread_order(run))
    checks.extend(replies_once(run, replies))
    died = [p.name for p in (run.web, run.worker, run.beat, run.redis) if p.died()]
    checks.append(Check("no process died on its own", not died, ", ".join(died) or "none"))
    return checks


def thread_order(run: Run) -> Check:
    out_of_order = threads = 0
    for conversation in run.all_pages("/conversations/"):
        threads += 1
        positions = [
            int(m["text"].rsplit("-", 1)[1])
            for m in run.all_pages(f"/conversations/{conversation['id']}/messages/")
            if m["direction"] == "in" and m["text"].startswith("fault ")
        ]
        out_of_order += sum(1 for a, b in zip(positions, positions[1:], strict=False) if b < a)
    return Check(
        "every thread in the order written",
        out_of_order == 0 and threads > 0,
        f"{threads} threads, {out_of_order} adjacent pairs out of order",
    )


def replies_once(run: Run, replies: list[tuple]) -> list[Check]:
    sends = Counter(
        _sent_text(call["body"])
        for call in run.graph.calls()
        if call["method"] == "POST" and call["path"].endswith("/messages")
    )
    texts = {text: status for _id, text, status in replies}
    twice = {text: n for text, n in sends.items() if REPLY_MARK in str(text) and n > 1}
    sent_texts = [t for t, status in texts.items() if status == "sent"]
    missing = [t for t in sent_texts if not any(t in str(body) for body in sends)]
    return [
        Check(
            "no reply sent twice",
            not twice and not missing,
            f"{len(texts)} replies, {len(sent_texts)} sent; twice: {len(twice)}, "
            f"marked sent but never reached the platform: {len(missing)}",
        ),
        Check(
            "every reply request answered",
            not run.reply_errors,
            f"{len(run.reply_ids)} accepted; {run.reply_errors[:3]}",
        ),
    ]


def _sent_text(body: dict) -> str:
    message = body.get("message", "")
    if isinstance(message, str):
        try:
            message = json.loads(message)
        except ValueError:
            return message
    return str(message.get("text", "")) if isinstance(message, dict) else str(message)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A SIGTERM (CI's timeout, Ctrl-C's cousin) still stops the processes started here.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcare.settings")
    os.environ.setdefault("DEBUG", "1")
    logs = Path(tempfile.mkdtemp(prefix="socialcare-faults-"))
    (logs / "var").mkdir()
    rng = random.Random(20261208)
    deliveries = plan_deliveries(args.messages, args.redeliveries, rng)
    print(f"fault run: {args.messages} messages, {len(deliveries)} deliveries; logs in {logs}")
    try:
        run = setup(args, logs)
    except BaseException:
        for proc in STARTED:
            proc.stop()
        STACK.close()
        raise
    tally = Tally()
    stop = threading.Event()
    faults = threading.Thread(target=inject_faults, args=(run, tally, len(deliveries)))
    replies = threading.Thread(target=send_replies, args=(run, tally, len(deliveries), stop))
    started = time.monotonic()
    try:
        faults.start()
        replies.start()
        local = threading.local()
        url = f"{run.web_url}/webhooks/facebook/"
        with ThreadPoolExecutor(args.senders) as pool:
            for delivery in deliveries:
                pool.submit(deliver, url, run.secret, delivery, tally, local)
        faults.join()
        stop.set()
        replies.join()
        burst = time.monotonic() - started
        print(f"burst done in {burst:.0f} s; " + "; ".join(run.faults))
        settled = settle(run)
        checks = check(run, tally, deliveries, settled)
    finally:
        stop.set()
        for proc in STARTED:
            proc.stop()
        STACK.close()
    for c in checks:
        print(f"  {'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}")
    failed = [c for c in checks if not c.ok]
    if failed:
        for proc in (run.web, run.worker, run.beat):
            print(f"\n---- {proc.name} (last lines) ----\n{proc.tail()}")
    print(f"faults: {len(checks) - len(failed)} passed, {len(failed)} failed")
    if not failed and not args.keep:
        shutil.rmtree(logs, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
