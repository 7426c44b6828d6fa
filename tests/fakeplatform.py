"""A platform API over real HTTP for the test channel: scripted answers, recorded calls."""

import itertools
import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakePlatform:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: deque[tuple[int, dict, dict]] = deque()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                status, headers, answer = platform._answer(body)
                data = json.dumps(answer).encode()
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

    def _answer(self, body: dict) -> tuple[int, dict, dict]:
        with self._lock:
            self.requests.append(body)
            if self.script:
                return self.script.popleft()
            return 200, {}, {"id": f"out-{next(self._ids)}"}

    def fail_next(self, status: int, error: str = "", headers: dict | None = None) -> None:
        self.script.append((status, headers or {}, {"error": error or f"status {status}"}))

    @property
    def sent_texts(self) -> list[str]:
        return [r["text"] for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
