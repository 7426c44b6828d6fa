"""The fake Viber over real HTTP, for every Viber test that talks to "Viber"."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import requests
from django.core.cache import cache

from channels_viber.sandbox import FakeViber


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class RunningViber:
    url: str  # what settings.VIBER_API_URL points at
    app: FakeViber  # the same fake, to inspect and steer in-process

    def calls(self) -> list[dict]:
        """The calls the fake received, as its /_sandbox/calls endpoint lists them."""
        response = requests.get(f"{self.url}/_sandbox/calls", timeout=5)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def fake_viber(settings) -> Iterator[RunningViber]:
    # Whatever the Viber code keeps in the cache (welcome templates, pauses) starts empty.
    cache.clear()
    app = FakeViber()
    server = make_server("127.0.0.1", 0, app, server_class=_Server, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.VIBER_API_URL = url
    yield RunningViber(url=url, app=app)
    server.shutdown()
    server.server_close()
    cache.clear()


@pytest.fixture(autouse=True)
def _no_welcomes_remembered():
    """Which customers were welcomed lives in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()
