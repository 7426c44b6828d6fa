"""The fake Viber over real HTTP, for every Viber test that talks to "Viber"."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from channels_viber.sandbox import FakeViber
from tests.wsgi_server import RunningFake, serving


@dataclass
class RunningViber(RunningFake):
    """The fake served at settings.VIBER_API_URL."""

    app: FakeViber  # the same fake, to inspect and steer in-process


@pytest.fixture
def fake_viber(settings) -> Iterator[RunningViber]:
    app = FakeViber()
    with serving(app) as url:
        settings.VIBER_API_URL = url
        yield RunningViber(url=url, app=app)


@pytest.fixture(autouse=True)
def _no_welcomes_remembered():
    """Which customers were welcomed lives in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()
