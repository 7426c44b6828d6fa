"""A WSGI app served from a thread over real HTTP, the way tests run a platform's fake,
and `RunningFake`, what a fixture hands the tests."""

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(app: Callable[[dict, Callable], Iterable[bytes]]) -> Iterator[str]:
    """Serve `app` on a free local port until the block ends; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, server_class=_Server, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class RunningFake:
    """A served fake, as a fixture hands it to tests."""

    url: str  # where it is served: what the channel's API URL setting points at

    def calls(self) -> list[dict]:
        """The calls the fake received, as its /_sandbox/calls endpoint lists them."""
        response = requests.get(f"{self.url}/_sandbox/calls", timeout=5)
        response.raise_for_status()
        return response.json()
