"""The fake Graph over real HTTP, for every Facebook test that talks to "Facebook"."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import requests
from django.core.cache import cache

from channels_fb.sandbox import FakeGraph


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class RunningGraph:
    url: str  # what settings.FACEBOOK_GRAPH_URL points at
    graph: FakeGraph  # the same fake, to inspect and steer in-process

    def calls(self) -> list[dict]:
        """The calls the fake received, as its /_sandbox/calls endpoint lists them."""
        response = requests.get(f"{self.url}/_sandbox/calls", timeout=5)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def fake_graph(settings) -> Iterator[RunningGraph]:
    # The per-Page pauses of the Graph client live in the cache: start unpaused.
    cache.clear()
    graph = FakeGraph()
    server = make_server("127.0.0.1", 0, graph, server_class=_Server, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.FACEBOOK_GRAPH_URL = url
    # The app the fake lists as subscribed is ours.
    settings.FACEBOOK_APP_ID = graph.app_id
    yield RunningGraph(url=url, graph=graph)
    server.shutdown()
    server.server_close()
    cache.clear()
