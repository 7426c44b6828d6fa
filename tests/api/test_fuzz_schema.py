"""Schemathesis against the API's own OpenAPI schema: every operation, as an admin and as
an agent, with the world's data in place so real ids turn up beside random ones.

No answer may be a server error, and every answer must be one the schema documents (its
status code, content type and body), and input the schema calls invalid must be refused.
Valid-looking input may still be refused (a team that does not exist, a blank note): the
check that all of it is accepted is off. The app runs in-process, inside the test's
transaction; under CI the examples are the same on every run (tests/conftest.py's profile).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from inbox.forms.ids import parse_id
from inbox.models import CannedResponse, Conversation, Message
from tests.factories import ConversationFactory, LabelFactory, MessageFactory

# The schema the API serves at /api/v1/schema/ (test_it_fuzzes_the_schema_the_api_serves),
# built here because collection comes before any test's database and token.
SPEC = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(SPEC)
schema.app = get_wsgi_application()
# The world's ids by the path's first segment, for the hook below (filled by `world_data`).
IDS: dict[str, list[int]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Random ids seldom exist: draw the world's own ids too, so the endpoints' real work
    (and their refusals: another team's conversation, a message that cannot be retried) runs."""
    # A negative case keeps its wrong id: replacing it would make the case valid again.
    if not path_parameters or parse_id(path_parameters.get("id")) is None:
        return st.just(path_parameters)
    known = IDS.get(context.operation.path.split("/")[3], [])
    return st.sampled_from([path_parameters, *({**path_parameters, "id": i} for i in known)])


@pytest.fixture
def in_test_transaction():
    """Django's own test client keeps the request signals from closing the connection the
    test's transaction is on; the WSGI app called in-process must do the same."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["adam", "alice"])
def auth(request, world):
    token, _ = Token.objects.get_or_create(user=getattr(world, request.param))
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture
def world_data(world):
    """Support's conversation with a customer's message, a comment and a failed reply;
    one of Sales (Alice cannot see it); canned responses of each scope; a label."""
    conversation = ConversationFactory(account=world.acme, team=world.support)
    MessageFactory(conversation=conversation)
    MessageFactory(conversation=conversation, kind=Message.Kind.COMMENT, public=True)
    MessageFactory(
        conversation=conversation,
        direction=Message.Direction.OUT,
        status=Message.Status.FAILED,
        external_id=None,
    )
    ConversationFactory(account=world.other)
    LabelFactory(name="billing")
    for owner, team in [(world.alice, None), (None, world.support), (None, None)]:
        CannedResponse.objects.create(
            title="Thanks", shortcut="thanks", body="Thank you!", owner=owner, team=team
        )
    IDS.update(
        {
            "conversations": list(Conversation.objects.values_list("pk", flat=True)),
            "messages": list(Message.objects.values_list("pk", flat=True)),
            "canned-responses": list(CannedResponse.objects.values_list("pk", flat=True)),
        }
    )
    yield
    IDS.clear()


@schema.parametrize()
@settings(
    max_examples=40,
    phases=[Phase.explicit, Phase.generate],
    # The world is set up once per operation and role, not per example, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_it_never_answers_with_a_server_error(case, auth, world_data, in_test_transaction):
    case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])


def test_it_fuzzes_the_schema_the_api_serves(world):
    served = world.api_for(world.alice).get("/api/v1/schema/", {"format": "json"}).json()

    # The same generator (only the channels differ: this test's own is registered now).
    assert served == SchemaGenerator().get_schema(request=None, public=True)
    assert {p: set(ops) for p, ops in served["paths"].items()} == {
        p: set(ops) for p, ops in SPEC["paths"].items()
    }
    assert len(list(schema.get_all_operations())) >= 17
