"""Search finds customers by what they wrote, their name or handle, in any script.

The same tests run on SQLite (a casefold function registered per connection) and on
PostgreSQL (UPPER under a UTF-8 ctype, with trigram indexes).
"""

import pytest

from inbox.models import Message
from inbox.selectors import ConversationFilters, conversation_list_for
from tests.factories import ContactFactory, ConversationFactory, IdentityFactory, MessageFactory

pytestmark = pytest.mark.django_db


def customer(account, name: str = "Someone", text: str = "Hello", handle: str = ""):
    contact = ContactFactory(name=name)
    identity = IdentityFactory(account=account, contact=contact, name=name, handle=handle)
    convo = ConversationFactory(account=account, identity=identity)
    MessageFactory(conversation=convo, text=text)
    return convo


def found(user, q: str) -> list[int]:
    return sorted(c.pk for c in conversation_list_for(user=user, filters=ConversationFilters(q=q)))


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Καλημέρα, πού είναι η παραγγελία μου;", "ΚΑΛΗΜΈΡΑ"),
        ("ΚΑΛΗΜΈΡΑ ΣΑΣ", "καλημέρα"),
        ("Здравствуйте, где мой заказ?", "ЗАКАЗ"),
        ("ПРИВЕТ из Минска", "привет"),
        ("שלום, ההזמנה שלי לא הגיעה", "ההזמנה"),
        ("我想申请退款，因为商品坏了", "退款"),
        ("Where is my PARCEL?", "parcel"),
    ],
)
def test_it_finds_message_text_in_any_script_and_case(world, text, query):
    match = customer(world.acme, text=text)
    customer(world.acme, text="Something else entirely")

    assert found(world.alice, query) == [match.pk]


def test_it_finds_our_own_replies_too(world):
    convo = customer(world.acme, text="Any news?")
    MessageFactory(
        conversation=convo, direction=Message.Direction.OUT, text="Your refund is on its way"
    )

    assert found(world.alice, "REFUND") == [convo.pk]


def test_it_finds_the_contact_by_name(world):
    maria = customer(world.acme, name="Μαρία Παπαδοπούλου")
    customer(world.acme, name="Ivan Petrov")

    assert found(world.alice, "παπαδοπούλου") == [maria.pk]
    assert found(world.alice, "ΜΑΡΊΑ") == [maria.pk]


def test_it_finds_the_handle_with_or_without_the_at_sign(world):
    ivan = customer(world.acme, name="Ivan", handle="ivan_the_customer")
    customer(world.acme, name="Olga", handle="olga")

    assert found(world.alice, "@IVAN_the") == [ivan.pk]
    assert found(world.alice, "the_customer") == [ivan.pk]


def test_every_word_must_match_somewhere(world):
    both = customer(world.acme, name="Anna Schmidt", text="my parcel is late")
    other = customer(world.acme, name="Anna Weber", text="thank you")

    assert found(world.alice, "anna parcel") == [both.pk]
    assert found(world.alice, "anna") == sorted([both.pk, other.pk])


def test_like_wildcards_in_the_query_are_plain_characters(world):
    percent = customer(world.acme, text="50% off?")
    customer(world.acme, text="500 off?")

    assert found(world.alice, "50%") == [percent.pk]
    assert found(world.alice, "_") == []


def test_charlie_never_finds_supports_conversations(world):
    customer(world.acme, text="退款 please")
    sales = customer(world.other, text="退款 for sales")

    assert found(world.charlie, "退款") == [sales.pk]
    assert len(found(world.adam, "退款")) == 2


def test_the_api_searches_too(world):
    match = customer(world.acme, name="Олег", text="Где мой ЗАКАЗ?")
    customer(world.acme, text="Something else")
    customer(world.other, text="заказ for Sales")

    response = world.api_for(world.alice).get("/api/v1/conversations/", {"q": "заказ"})

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [match.pk]
