"""Internal notes on a conversation, with @mentions of teammates."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def notes_url(conversation) -> str:
    return f"/api/v1/conversations/{conversation.pk}/notes/"


def test_a_note_mentions_the_teammates_who_can_see_the_conversation(world, conversation):
    response = world.api_for(world.alice).post(
        notes_url(conversation),
        {"text": "@bob and @charlie, is this the lost parcel?"},
        content_type="application/json",
    )

    assert response.status_code == 201
    note = response.json()
    assert note["text"] == "@bob and @charlie, is this the lost parcel?"
    assert note["author"]["username"] == "alice"
    # Charlie works another team's page, so he is not told about this conversation.
    assert [m["username"] for m in note["mentions"]] == ["bob"]
    assert list(world.bob.mentioned_in_notes.values_list("pk", flat=True)) == [note["id"]]


def test_it_lists_the_notes_oldest_first(world, conversation):
    api = world.api_for(world.alice)
    for text in ("first", "second"):
        api.post(notes_url(conversation), {"text": text}, content_type="application/json")

    response = world.api_for(world.bob).get(notes_url(conversation))

    assert response.status_code == 200
    assert [n["text"] for n in response.json()["results"]] == ["first", "second"]


def test_an_empty_note_is_refused(world, conversation):
    response = world.api_for(world.alice).post(
        notes_url(conversation), {"text": "  "}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "Write a note" in response.json()["detail"]
    assert not conversation.notes.exists()


def test_notes_of_another_teams_conversation_are_missing(world, conversation):
    api = world.api_for(world.charlie)

    assert api.get(notes_url(conversation)).status_code == 404
    assert api.post(notes_url(conversation), {"text": "hi"}, "application/json").status_code == 404
    assert Client().get(notes_url(conversation)).status_code == 401
    assert not conversation.notes.exists()
