"""Webhook throughput: the signed test-channel webhook against a bare view, same server.

One uvicorn worker process serves both endpoints; the load comes from another process
(wrk when it is installed, else the asyncio generator below) over keep-alive
connections to 127.0.0.1 only, for a bounded time. The webhook does its whole job on
each request: verify the signature, INSERT the raw event, enqueue its processing on
Redis. The bare view returns "OK". Both receive the same signed bodies.

Run as a module, this file is the Python load generator:
    python -m bench.measure_webhook --port 8123 --path /bench/bare/ --requests reqs.json
"""

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
LOG_PATH = ROOT / "bench" / "out" / "server.log"
WARMUP_SECONDS = 2.0
TARGET_RATIO = 0.5
TARGET_P99_MS = 150.0


@dataclass
class Load:
    """What one endpoint sustained."""

    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


# --- the measurement (runs in the bench process, with Django set up) ----------------------


# How production serves (Dockerfile, docker-compose.yml), and the WSGI comparison.
ASGI_APP = ("socialcare.asgi:application", "asgi3")
WSGI_APP = ("socialcare.wsgi:application", "wsgi")


@dataclass
class Pair:
    bare: Load
    hook: Load
    stored: int
    queued: int

    @property
    def ratio(self) -> float:
        return self.hook.rps / self.bare.rps if self.bare.rps else 0.0


def measure(*, seconds: float, connections: int, loadgen: str = "auto") -> list:
    from bench import Figure

    tool = _pick_tool(loadgen)
    LOG_PATH.parent.mkdir(exist_ok=True)
    LOG_PATH.write_text("")  # this run's server log only
    print(
        f"webhook: one uvicorn worker process on {HOST}, load by {tool} over {connections} "
        f"keep-alive connections, {seconds:g} s per endpoint after {WARMUP_SECONDS:g} s "
        f"of warm-up; server log in {LOG_PATH}",
        flush=True,
    )
    asgi = _pair(ASGI_APP, tool, seconds, connections)
    # Diagnostic: the same Django app behind uvicorn's WSGI interface, to show what the
    # ASGI request path costs on its own.
    wsgi = _pair(WSGI_APP, tool, seconds, connections)
    # With Redis, drain tasks are coalesced: a queued drain takes every event stored
    # behind it, so there are fewer tasks than events, but never none.
    complete = 0 < asgi.queued <= asgi.stored and asgi.hook.errors == 0 and asgi.bare.errors == 0
    return [
        Figure(
            "webhook requests/s (verify, store, enqueue)",
            f"{asgi.hook.rps:,.0f}/s",
            baseline=f"bare view {asgi.bare.rps:,.0f}/s",
            ratio=f"{asgi.ratio:.2f}x",
            target=f">= {TARGET_RATIO}x",
            passed=asgi.ratio >= TARGET_RATIO,
        ),
        Figure(
            "webhook latency p50 / p99",
            f"{asgi.hook.p50_ms:.1f} / {asgi.hook.p99_ms:.1f} ms",
            baseline=f"bare view {asgi.bare.p50_ms:.1f} / {asgi.bare.p99_ms:.1f} ms",
            ratio=f"{asgi.hook.p99_ms / asgi.bare.p99_ms:.1f}x (p99)" if asgi.bare.p99_ms else "",
            target=f"p99 <= {TARGET_P99_MS:.0f} ms",
            passed=asgi.hook.p99_ms <= TARGET_P99_MS,
        ),
        Figure(
            "webhook: every 200 stored, drains queued",
            f"{asgi.stored:,} stored, {asgi.queued:,} drain tasks queued (coalesced), "
            f"{asgi.hook.errors} errors",
            target="stored, a drain queued, no errors",
            passed=complete,
        ),
        Figure(
            "same app on uvicorn's WSGI interface: webhook / bare",
            f"{wsgi.hook.rps:,.0f}/s / {wsgi.bare.rps:,.0f}/s, p99 {wsgi.hook.p99_ms:.1f} ms",
            baseline=f"ASGI bare view {asgi.bare.rps:,.0f}/s",
            ratio=f"{wsgi.bare.rps / asgi.bare.rps:.1f}x (bare, WSGI/ASGI)"
            if asgi.bare.rps
            else "",
            target="(diagnostic)",
        ),
    ]


def _pair(app: tuple[str, str], tool: str, seconds: float, connections: int) -> Pair:
    """The bare view, then the webhook, on one fresh server process."""
    from django.conf import settings

    from bench.urls import BARE_PATH, WEBHOOK_PATH
    from inbox.models import WebhookEvent

    name = "wsgi" if app[1] == "wsgi" else "asgi"
    bodies = signed_bodies(400)
    first_id = (WebhookEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    _purge_queue()
    port = _free_port()
    server = _start_server(port, *app)
    try:
        _wait_ready(port, BARE_PATH, server)
        bare = _load(tool, port, BARE_PATH, bodies, seconds, connections)
        _report(f"{name} bare view", bare)
        hook = _load(tool, port, WEBHOOK_PATH, bodies, seconds, connections)
        _report(f"{name} webhook  ", hook)
    finally:
        _stop_server(server)
    stored = WebhookEvent.objects.filter(pk__gte=first_id).count()
    queued = _purge_queue()
    print(
        f"webhook: {name} {stored:,} events stored and {queued:,} tasks found on the Redis "
        f"queue {settings.CELERY_TASK_DEFAULT_QUEUE!r} (purged); both count warm-up requests",
        flush=True,
    )
    # The stored events were only load: keep the bench database the same size run to run.
    WebhookEvent.objects.filter(pk__gte=first_id).delete()
    return Pair(bare=bare, hook=hook, stored=stored, queued=queued)


def _report(label: str, load: Load) -> None:
    print(
        f"webhook: {label} {load.rps:8,.0f} req/s  p50 {load.p50_ms:6.1f} ms  "
        f"p99 {load.p99_ms:6.1f} ms  ({load.requests:,} requests, {load.errors} errors)",
        flush=True,
    )


def signed_bodies(count: int) -> list[tuple[bytes, str]]:
    """Realistic test-channel deliveries: 1-3 messages each, signed as the platform does."""
    from bench.generate import FIRST_NAMES, INBOUND_TEXTS, TEST_ACCOUNT_ID
    from inbox.signing import hmac_sha256_hex
    from tests.testchannel.adapter import SECRET

    rng = random.Random(7)
    run = f"{time.time_ns():x}"
    now = int(time.time())
    bodies = []
    for n in range(count):
        events = [
            {
                "type": "message",
                "id": f"wh-{run}-{n}-{k}",
                "thread": f"wh-{run}-{n}",
                "kind": "direct",
                "from": {"id": f"wh-user-{n}", "name": rng.choice(FIRST_NAMES)},
                "text": rng.choice(INBOUND_TEXTS),
                "ts": now - 60 + k,
            }
            for k in range(rng.choice([1, 1, 2, 3]))
        ]
        body = json.dumps({"account": TEST_ACCOUNT_ID, "events": events}).encode()
        bodies.append((body, hmac_sha256_hex(SECRET, body)))
    return bodies


def _pick_tool(choice: str) -> str:
    has_wrk = shutil.which("wrk") is not None
    if choice == "wrk" and not has_wrk:
        raise SystemExit("bench: --loadgen wrk, but wrk is not installed (apt-get install wrk)")
    if choice == "python" or not has_wrk:
        return "python"
    return "wrk"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _start_server(port: int, app: str, interface: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", app, "--interface", interface,
        "--host", HOST, "--port", str(port), "--workers", "1",
        "--no-access-log", "--log-level", "warning", "--lifespan", "off",
    ]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    # Django's ASGI handler logs a traceback for each request the load generator cuts off
    # when its time is up: kept in a file, out of the bench's output.
    LOG_PATH.parent.mkdir(exist_ok=True)
    with LOG_PATH.open("a") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {app} ({interface}) ===\n")
        log.flush()
        # The argv is built here from our own values: nothing comes from outside.
        return subprocess.Popen(  # noqa: S603
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )


def _wait_ready(port: int, path: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench: the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit("bench: the server did not answer within 30 s")


def _stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _purge_queue() -> int:
    """Empty the ingest queue the webhook filled; no worker runs during the bench."""
    from django.conf import settings

    from socialcare.celery import app

    with app.connection_for_write() as conn:
        return conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE) or 0


def _load(
    tool: str,
    port: int,
    path: str,
    bodies: list[tuple[bytes, str]],
    seconds: float,
    connections: int,
) -> Load:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        if tool == "wrk":
            return _load_wrk(Path(tmp), port, path, bodies, seconds, connections)
        return _load_python(Path(tmp), port, path, bodies, seconds, connections)


def _load_python(
    tmp: Path,
    port: int,
    path: str,
    bodies: list[tuple[bytes, str]],
    seconds: float,
    connections: int,
) -> Load:
    requests_file = tmp / "requests.json"
    requests_file.write_text(
        json.dumps([_raw_request(port, path, body, sig).decode("latin-1") for body, sig in bodies])
    )
    command = [
        sys.executable, "-m", "bench.measure_webhook", "--port", str(port),
        "--requests", str(requests_file), "--seconds", str(seconds),
        "--connections", str(connections),
    ]  # fmt: skip
    done = subprocess.run(  # noqa: S603 - our own argv
        command, capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: the load generator failed:\n{done.stderr}")
    return Load(**json.loads(done.stdout), tool="python")


def _raw_request(port: int, path: str, body: bytes, signature: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Content-Type: application/json\r\n"
        f"X-Test-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


WRK_SCRIPT = """
local requests = {}
local data = dofile("%(data)s")
local next_request = 0

init = function(args)
  for i, item in ipairs(data) do
    requests[i] = wrk.format("POST", "%(path)s", {
      ["Content-Type"] = "application/json",
      ["X-Test-Signature"] = item[2],
    }, item[1])
  end
end

request = function()
  next_request = next_request %% #requests + 1
  return requests[next_request]
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"errors\\": %%d, \\"seconds\\": %%f, " ..
    "\\"p50_ms\\": %%f, \\"p99_ms\\": %%f}\\n",
    summary.requests,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    summary.duration / 1e6,
    latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3))
end
"""


def _lua_string(data: bytes) -> str:
    # Three-digit decimal escapes, so a digit after an escape cannot join it.
    escaped = (f"\\{b:03d}" if b < 32 or b in (34, 92) or b > 126 else chr(b) for b in data)
    return '"' + "".join(escaped) + '"'


def _load_wrk(
    tmp: Path,
    port: int,
    path: str,
    bodies: list[tuple[bytes, str]],
    seconds: float,
    connections: int,
) -> Load:
    data = tmp / "data.lua"
    data.write_text(
        "return {\n"
        + ",\n".join(f"{{{_lua_string(b)}, {_lua_string(s.encode())}}}" for b, s in bodies)
        + "\n}\n"
    )
    script = tmp / "bench.lua"
    script.write_text(WRK_SCRIPT % {"data": data, "path": path})
    url = f"http://{HOST}:{port}{path}"

    def run(duration: float) -> dict[str, Any]:
        command = [
            "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "5s",
            "-s", str(script), url,
        ]  # fmt: skip
        done = subprocess.run(  # noqa: S603 - our own argv
            command, capture_output=True, text=True, check=False, timeout=duration + 60
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
        if done.returncode != 0 or line is None:
            raise SystemExit(f"bench: wrk failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(line.removeprefix("BENCH "))

    run(WARMUP_SECONDS)
    return Load(**run(seconds), tool="wrk")


# --- the Python load generator (a separate process; no Django) ------------------------------


async def _connection(
    port: int,
    requests: list[bytes],
    offset: int,
    warm_until: float,
    deadline: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    n = offset
    try:
        while True:
            started = time.perf_counter()
            if started >= deadline:
                return
            writer.write(requests[n % len(requests)])
            n += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            if length is None:
                raise RuntimeError("response without Content-Length")
            await reader.readexactly(int(length.group(1)))
            finished = time.perf_counter()
            if started >= warm_until and finished <= deadline:
                latencies.append(finished - started)
                if not head.startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")):
                    errors.append(int(head[9:12]))
    finally:
        writer.close()


async def _generate(
    port: int, requests: list[bytes], seconds: float, connections: int
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[int] = []
    warm_until = time.perf_counter() + WARMUP_SECONDS
    deadline = warm_until + seconds
    step = max(1, len(requests) // connections)
    await asyncio.gather(
        *(
            _connection(port, requests, i * step, warm_until, deadline, latencies, errors)
            for i in range(connections)
        )
    )
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": len(errors),
        "seconds": seconds,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else 0.0,
        "p99_ms": ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)] * 1000 if ordered else 0.0,
    }


def loadgen(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="bench's HTTP/1.1 keep-alive load generator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=Path, required=True, help="JSON list of raw requests")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    requests = [r.encode("latin-1") for r in json.loads(args.requests.read_text())]
    result = asyncio.run(_generate(args.port, requests, args.seconds, args.connections))
    print(json.dumps(result))


if __name__ == "__main__":
    loadgen()
