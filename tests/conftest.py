"""The story world every test shares, and the switches between embedded and CI runs.

Support works the Acme page: Alice and Bob are its agents, Lena leads it. Charlie is an
agent of Sales, which works another page. Adam is an admin.
"""

from dataclasses import dataclass

import hypothesis
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from inbox.adapters import register, unregister
from inbox.models import ChannelAccount, Membership, Role, Team
from socialcare.celery import app as celery_app
from tests.factories import AccountFactory, TeamFactory, UserFactory
from tests.fakeplatform import FakePlatform
from tests.helpers import IN_CI, sign
from tests.testchannel.adapter import KIND, TestChannelAdapter

# Property tests try the same examples on every CI run, so a red run can be re-run as it
# was; on a laptop they explore afresh and keep what failed in .hypothesis/.
hypothesis.settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if IN_CI:
    hypothesis.settings.load_profile("ci")


@pytest.fixture(autouse=True)
def test_settings(settings):
    settings.ROOT_URLCONF = "tests.urls"
    # The world's five users would take seconds to hash with the production hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # API throttle counts outlive a test in the cache (a minute): off, except where
    # tests/api/test_throttling.py turns them on with a cache of its own. (Sign-in lockouts
    # are rows in the test's database, gone with it.)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}


@pytest.fixture(autouse=True)
def back_to_the_defaults():
    """A request for an agent with a saved language or time zone leaves its activation in
    the thread (the middleware's); the next test starts afresh."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture(autouse=True)
def test_channel():
    adapter = register(TestChannelAdapter())
    yield adapter
    unregister(KIND)


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (see tests/test_worker.py)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def fake_platform(test_channel):
    platform = FakePlatform()
    test_channel.base_url = platform.url
    yield platform
    platform.close()


@dataclass
class World:
    support: Team
    sales: Team
    acme: ChannelAccount
    other: ChannelAccount
    alice: object
    bob: object
    charlie: object
    lena: object
    adam: object

    def client_for(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def api_for(self, user) -> Client:
        token, _ = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def world(db) -> World:
    support = TeamFactory(name="Support")
    sales = TeamFactory(name="Sales")
    acme = AccountFactory(external_id="acme-page", name="Acme")
    other = AccountFactory(external_id="sales-page", name="Acme Sales")
    acme.teams.add(support)
    other.teams.add(sales)
    people = {}
    for username, team, role in [
        ("alice", support, Role.AGENT),
        ("bob", support, Role.AGENT),
        ("charlie", sales, Role.AGENT),
        ("lena", support, Role.LEAD),
        ("adam", support, Role.ADMIN),
    ]:
        user = UserFactory(username=username)
        Membership.objects.create(user=user, team=team, role=role)
        people[username] = user
    return World(support=support, sales=sales, acme=acme, other=other, **people)


@pytest.fixture
def post_webhook(client):
    """POST a signed test-channel webhook through the real view."""

    def post(body: bytes, *, signature: str | None = None):
        headers = {"HTTP_X_TEST_SIGNATURE": sign(body) if signature is None else signature}
        return client.post(
            "/webhooks/testchannel/", body, content_type="application/json", **headers
        )

    return post
