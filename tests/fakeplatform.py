"""A platform API over real HTTP for the test channel: scripted answers, recorded calls.

`requests` lists every send the platform received, whatever it answered: a test that
says "the customer got it once" counts them. Besides scripted error answers, the fake
can act on a send and then answer badly, the cases where the client cannot tell whether
it was sent: hang until the client's read timeout (`hang_next`), drop the connection
(`drop_next`), answer 5xx (`fail_next(500, sent=True)`) or 200 without an id
(`no_id_next`). With `lookups` on, `GET /sent/<marker>` answers the id of a message sent
with that marker, as a platform with a message look-up would.
"""

import itertools
import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# How long a hung answer waits for the test to end before the fake gives up on it.
HANG_LIMIT = 10.0


@dataclass(frozen=True)
class _Answer:
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: dict | None = None  # None: a new id, as a successful send answers
    sent: bool = True  # whether the platform acted on the send before answering
    mode: str = "answer"  # "answer", "hang" (no answer in time) or "drop" (connection cut)


class FakePlatform:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: deque[_Answer] = deque()
        # Marker -> id of each message the platform sent.
        self.sent: dict[str, str] = {}
        self.lookups = False
        self.lookups_made: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._released = threading.Event()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                answer, new_id = platform._take(body)
                if answer.mode == "hang":
                    platform._released.wait(HANG_LIMIT)
                if answer.mode != "answer":
                    # Nothing written: the client sees a dropped connection or a timeout.
                    self.close_connection = True
                    return
                payload = answer.body if answer.body is not None else {"id": new_id}
                self._write(answer.status, answer.headers, payload)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                marker = self.path.removeprefix("/sent/")
                found = platform._look_up(marker)
                if found is None:
                    self._write(404, {}, {"error": "no such message"})
                else:
                    self._write(200, {}, {"id": found})

            def _write(self, status: int, headers: dict, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def _take(self, body: dict) -> tuple[_Answer, str]:
        with self._lock:
            self.requests.append(body)
            answer = self.script.popleft() if self.script else _Answer()
            new_id = f"out-{next(self._ids)}"
            if answer.sent:
                self.sent[str(body.get("metadata", ""))] = new_id
            return answer, new_id

    def _look_up(self, marker: str) -> str | None:
        with self._lock:
            self.lookups_made.append(marker)
            return self.sent.get(marker) if self.lookups else None

    def fail_next(
        self, status: int, error: str = "", headers: dict | None = None, *, sent: bool = False
    ) -> None:
        """The next send is answered with this error; `sent`: after acting on it anyway."""
        body = {"error": error or f"status {status}"}
        self.script.append(_Answer(status, headers or {}, body, sent=sent))

    def hang_next(self) -> None:
        """The next send goes out, and its answer never comes before the client gives up."""
        self.script.append(_Answer(mode="hang"))

    def drop_next(self) -> None:
        """The next send goes out, then the connection is cut before any answer."""
        self.script.append(_Answer(mode="drop"))

    def no_id_next(self) -> None:
        """The next send goes out and is answered 200 without the message's id."""
        self.script.append(_Answer(body={}))

    @property
    def sent_texts(self) -> list[str]:
        return [r["text"] for r in self.requests]

    def close(self) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def unanswered_connect() -> Iterator[str]:
    """A URL whose connect times out: a listening socket whose backlog is full, so the
    kernel drops new connection attempts and nothing is ever sent."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
