"""What the composer adds on the server: placeholders, the sign-off, the mention choice, and
the canned responses' rules."""

import pytest

from inbox import services
from inbox.models import AgentProfile, CannedResponse, Conversation
from inbox.selectors.library import (
    canned_response_by_shortcut,
    canned_responses_listed_for,
    canned_suggestions_for,
)
from inbox.services.composer import placeholder_values, placeholders_fill, sign_off_for
from inbox.services.library import (
    canned_response_delete,
    canned_response_update,
    canned_response_use,
)
from tests.factories import ContactFactory, ConversationFactory, IdentityFactory, MessageFactory

pytestmark = pytest.mark.django_db

VALUES = {
    "customer_first_name": "Maria",
    "customer_name": "Maria Papadopoulou",
    "agent_first_name": "Alice",
    "agent_name": "Alice Liddell",
    "page_name": "Acme",
}


def conversation_with(world, name: str, kind=Conversation.Kind.DIRECT, **profile):
    contact = ContactFactory(name=name)
    identity = IdentityFactory(account=world.acme, contact=contact, name=name, profile=profile)
    convo = ConversationFactory(account=world.acme, identity=identity, kind=kind)
    MessageFactory(conversation=convo, text="Hello?")
    return convo


# --- placeholders ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "filled"),
    [
        ("Hi {customer_first_name}, I'm {agent_first_name}.", "Hi Maria, I'm Alice."),
        ("{customer_name}/{agent_name}/{page_name}", "Maria Papadopoulou/Alice Liddell/Acme"),
        ("Your code is {order_id}.", "Your code is {order_id}."),
        ("{customer_first_name}", "Maria"),
    ],
)
def test_it_fills_known_placeholders_and_keeps_unknown_ones(body, filled):
    assert placeholders_fill(text=body, values=VALUES) == filled


@pytest.mark.parametrize(
    ("body", "filled"),
    [
        ("Hi {customer_first_name}, thanks!", "Hi, thanks!"),
        ("Hi {customer_first_name}!", "Hi!"),
        ("Dear {customer_first_name} {customer_name} team", "Dear team"),
        ("{customer_first_name}, thanks for waiting", "thanks for waiting"),
        ("Thanks\n{customer_first_name}\nAcme", "Thanks\n\nAcme"),
        ("Thanks, {customer_first_name}", "Thanks,"),
    ],
)
def test_a_missing_value_leaves_no_gap(body, filled):
    assert (
        placeholders_fill(
            text=body, values={**VALUES, "customer_first_name": "", "customer_name": ""}
        )
        == filled
    )


def test_values_come_from_the_contact_the_agent_and_the_page(world):
    convo = conversation_with(world, "Ιωάννα Παπαδοπούλου")
    world.alice.last_name = "Liddell"

    values = placeholder_values(conversation=convo, agent=world.alice)

    assert values == {
        "customer_first_name": "Ιωάννα",
        "customer_name": "Ιωάννα Παπαδοπούλου",
        "agent_first_name": "Alice",
        "agent_name": "Alice Liddell",
        "page_name": "Acme",
    }


def test_an_unnamed_customer_gives_empty_values_not_a_stand_in(world):
    convo = conversation_with(world, "")

    values = placeholder_values(conversation=convo, agent=world.bob)

    assert values["customer_first_name"] == "" and values["customer_name"] == ""


# --- sign-off -------------------------------------------------------------------------------


def test_the_sign_off_is_on_by_default_and_can_be_turned_off(world):
    assert sign_off_for(world.alice) == "— Alice"

    AgentProfile.objects.create(user=world.alice, sign_off=False)

    assert sign_off_for(world.alice) == ""


def test_the_sign_off_uses_the_username_when_there_is_no_name(world):
    world.bob.first_name = ""
    world.bob.save()

    assert sign_off_for(world.bob) == "— bob"


def test_a_public_reply_is_signed(world):
    comment = conversation_with(world, "Maria", kind=Conversation.Kind.COMMENT)

    message = services.reply_create(conversation=comment, author=world.alice, text="Thanks! ")

    assert message.text == "Thanks!\n— Alice"
    assert message.public


@pytest.mark.parametrize("kind", [Conversation.Kind.COMMENT, Conversation.Kind.DIRECT])
def test_private_and_direct_replies_are_not_signed(world, kind):
    convo = conversation_with(world, "Maria", kind=kind)

    message = services.reply_create(
        conversation=convo,
        author=world.alice,
        text="Sent you a DM",
        private=kind == Conversation.Kind.COMMENT,
    )

    assert message.text == "Sent you a DM"


def test_an_agent_who_turned_it_off_is_not_signed(world):
    AgentProfile.objects.create(user=world.alice, sign_off=False)
    comment = conversation_with(world, "Maria", kind=Conversation.Kind.COMMENT)

    message = services.reply_create(conversation=comment, author=world.alice, text="Thanks!")

    assert message.text == "Thanks!"


def test_the_sign_off_counts_against_the_channel_limit(world):
    # The test channel allows 500 characters; "\n— Alice" adds 8.
    comment = conversation_with(world, "Maria", kind=Conversation.Kind.COMMENT)

    with pytest.raises(services.ReplyRefused, match="with your sign-off is 502 characters"):
        services.reply_create(conversation=comment, author=world.alice, text="x" * 494)
    assert services.reply_create(conversation=comment, author=world.alice, text="x" * 492)


# --- mentioning the commenter -----------------------------------------------------------


def test_the_choice_is_kept_on_the_message(world):
    comment = conversation_with(world, "Maria", kind=Conversation.Kind.COMMENT)

    message = services.reply_create(
        conversation=comment, author=world.alice, text="Hi", mention_customer=False
    )

    assert message.extra == {"mention_customer": False}


# --- canned responses: the rules -------------------------------------------------------------


@pytest.fixture
def library(world):
    def make(shortcut, **kwargs):
        kwargs.setdefault("title", shortcut.title())
        kwargs.setdefault("body", f"Body of {shortcut}")
        return CannedResponse.objects.create(shortcut=shortcut, **kwargs)

    return {
        "alices": make("alices", owner=world.alice),
        "bobs": make("bobs", owner=world.bob),
        "support": make("support", team=world.support),
        "sales": make("sales", team=world.sales),
        "everyone": make("everyone"),
    }


@pytest.mark.parametrize(
    ("who", "what", "allowed"),
    [
        ("alice", "alices", True),
        ("alice", "bobs", False),
        ("alice", "support", False),
        ("alice", "everyone", False),
        ("lena", "support", True),
        ("lena", "sales", False),
        ("lena", "everyone", False),
        ("adam", "support", True),
        ("adam", "sales", True),
        ("adam", "everyone", True),
        ("adam", "alices", False),
    ],
)
def test_who_may_change_what(world, library, who, what, allowed):
    user = getattr(world, who)
    response = library[what]

    if allowed:
        canned_response_update(response=response, by=user, title="Changed")
        response.refresh_from_db()
        assert response.title == "Changed"
    else:
        with pytest.raises(services.NotAllowed):
            canned_response_update(response=response, by=user, title="Changed")
        with pytest.raises(services.NotAllowed):
            canned_response_delete(response=response, by=user)
        assert CannedResponse.objects.filter(pk=response.pk, title=response.title).exists()


def test_a_lead_deletes_their_teams_response(world, library):
    canned_response_delete(response=library["support"], by=world.lena)

    assert not CannedResponse.objects.filter(pk=library["support"].pk).exists()


def test_moving_a_response_needs_the_rights_of_the_new_scope(world, library):
    with pytest.raises(services.NotAllowed, match="Only admins"):
        canned_response_update(response=library["support"], by=world.lena, shared=True, team=None)

    canned_response_update(response=library["support"], by=world.adam, team=None, shared=True)
    library["support"].refresh_from_db()
    assert library["support"].team is None and library["support"].owner is None


def test_a_shortcut_is_unique_per_scope_only(world, library):
    # Alice may have her own /support next to the team's, Bob his own /alices.
    services.canned_response_create(by=world.alice, title="Mine", shortcut="support", body="b")
    services.canned_response_create(by=world.bob, title="His", shortcut="alices", body="b")

    with pytest.raises(ValueError, match="/alices is already taken"):
        services.canned_response_create(by=world.alice, title="T", shortcut="alices", body="b")


def test_a_renamed_shortcut_must_be_free(world, library):
    mine = services.canned_response_create(by=world.alice, title="T", shortcut="two", body="b")

    with pytest.raises(ValueError, match="/alices is already taken"):
        canned_response_update(response=mine, by=world.alice, shortcut="alices")
    # Saving it under its own shortcut is not a clash.
    canned_response_update(response=mine, by=world.alice, shortcut="two", body="new")


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"shortcut": "two words"}, "without spaces"),
        ({"shortcut": "a/b"}, "without spaces"),
        ({"title": "  "}, "title"),
        ({"body": ""}, "text of the response"),
    ],
)
def test_bad_fields_are_refused_with_what_to_fix(world, fields, says):
    data = {"title": "T", "shortcut": "ok", "body": "b", **fields}

    with pytest.raises(ValueError, match=says):
        services.canned_response_create(by=world.alice, **data)


def test_a_unicode_shortcut_is_a_valid_one(world):
    created = services.canned_response_create(
        by=world.alice, title="Спасибо", shortcut="/спасибо", body="Спасибо!"
    )

    assert created.shortcut == "спасибо"


def test_using_a_response_counts_it_and_fills_it_in(world):
    convo = conversation_with(world, "Maria Papadopoulou")
    response = CannedResponse.objects.create(
        title="Hi", shortcut="hi", body="Hi {customer_first_name}, {agent_name} here."
    )

    text = canned_response_use(response=response, by=world.alice, conversation=convo)

    assert text == "Hi Maria, Alice here."
    response.refresh_from_db()
    assert response.usage_count == 1


# --- canned responses: finding them ---------------------------------------------------------


def test_suggestions_match_shortcut_and_title_prefix_first(world, library):
    convo = conversation_with(world, "Maria")
    CannedResponse.objects.create(title="Support hours", shortcut="hours", body="9 to 5")

    found = canned_suggestions_for(user=world.alice, conversation=convo, q="sup")

    assert [r.shortcut for r in found] == ["support", "hours"]
    assert [
        r.shortcut for r in canned_suggestions_for(user=world.alice, conversation=convo, q="")
    ] == ["alices", "support", "everyone", "hours"]


def test_suggestions_prefer_the_customers_language(world):
    convo = conversation_with(world, "Ivan", locale="ru_RU")
    CannedResponse.objects.create(title="Thanks", shortcut="thanks", body="Thanks!", language="en")
    CannedResponse.objects.create(
        title="Thanks", shortcut="thanks-ru", body="Спасибо!", language="ru"
    )

    found = canned_suggestions_for(user=world.alice, conversation=convo, q="than")

    assert [r.shortcut for r in found] == ["thanks-ru", "thanks"]


def test_a_typed_shortcut_means_my_own_before_the_teams(world, library):
    mine = CannedResponse.objects.create(
        title="Mine", shortcut="support", body="b", owner=world.alice
    )
    convo = conversation_with(world, "Maria")

    def meant(user, shortcut):
        return canned_response_by_shortcut(user=user, conversation=convo, shortcut=shortcut)

    assert meant(world.alice, "support") == mine
    assert meant(world.bob, "support") == library["support"]
    assert meant(world.bob, "sales") is None


@pytest.mark.parametrize("q", ["ПРИВЕТ", "привет", "Ωμέγα", "ΩΜΈΓΑ", "你好"])
def test_the_page_search_works_in_any_script(world, q):
    for title, shortcut, body in [
        ("Привет", "hi-ru", "Привет!"),
        ("Greek", "hi-el", "Ωμέγα"),
        ("你好", "hi-zh", "你好"),
        ("Other", "other", "x"),
    ]:
        CannedResponse.objects.create(title=title, shortcut=shortcut, body=body, owner=world.alice)

    found = canned_responses_listed_for(user=world.alice, q=q)

    assert len(found) == 1 and found[0].shortcut != "other"


def test_the_page_lists_what_i_use_and_what_i_manage(world, library):
    listed = {r.shortcut: r.can_manage for r in canned_responses_listed_for(user=world.lena)}
    assert listed == {"everyone": 0, "support": 1}

    listed = {r.shortcut: r.can_manage for r in canned_responses_listed_for(user=world.adam)}
    assert listed == {"everyone": 1, "support": 1, "sales": 1}

    by_scope = canned_responses_listed_for(user=world.alice, scope="personal")
    assert [r.shortcut for r in by_scope] == ["alices"]
