"""The fake Graph over real HTTP, for every Facebook test that talks to "Facebook"."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from channels_fb.sandbox import FakeGraph
from tests.wsgi_server import RunningFake, serving


@dataclass
class RunningGraph(RunningFake):
    """The fake served at settings.FACEBOOK_GRAPH_URL."""

    graph: FakeGraph  # the same fake, to inspect and steer in-process


@pytest.fixture
def fake_graph(settings) -> Iterator[RunningGraph]:
    # The per-Page pauses of the Graph client live in the cache: start unpaused.
    cache.clear()
    graph = FakeGraph()
    with serving(graph) as url:
        settings.FACEBOOK_GRAPH_URL = url
        # The app the fake lists as subscribed is ours.
        settings.FACEBOOK_APP_ID = graph.app_id
        yield RunningGraph(url=url, graph=graph)
    cache.clear()
