"""The canned responses page: what each person sees, saves, changes and deletes."""

import pytest
from django.test import Client

from inbox.models import CannedResponse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/canned/"


@pytest.fixture
def library(world):
    def make(shortcut, **kwargs):
        kwargs.setdefault("title", shortcut.title())
        kwargs.setdefault("body", f"Body of {shortcut}")
        return CannedResponse.objects.create(shortcut=shortcut, **kwargs)

    return {
        "alices": make("alices", owner=world.alice, usage_count=3),
        "bobs": make("bobs", owner=world.bob),
        "support": make("support", team=world.support, language="el"),
        "sales": make("sales", team=world.sales),
        "everyone": make("everyone"),
    }


def form_data(**fields) -> dict:
    return {"title": "Thanks", "shortcut": "thx", "body": "Thanks!", "scope": "personal", **fields}


# --- the list ----------------------------------------------------------------------------------


def test_it_needs_a_login(client, world):
    assert client.get(URL).status_code == 302
    assert client.post(f"{URL}new/", form_data()).status_code == 302


def test_the_top_bar_links_to_it(world):
    assert 'href="/canned/"' in world.client_for(world.alice).get("/").text


def test_an_agent_sees_what_they_can_use_and_edits_only_their_own(world, library):
    page = world.client_for(world.alice).get(URL).text

    assert "/alices" in page and "/support" in page and "/everyone" in page
    assert "/bobs" not in page and "/sales" not in page
    assert f'href="/canned/{library["alices"].pk}/"' in page
    assert f'href="/canned/{library["support"].pk}/"' not in page
    assert "Used 3 times" in page
    assert "Greek" in page  # the language of /support


def test_a_lead_manages_their_teams_responses(world, library):
    page = world.client_for(world.lena).get(URL).text

    assert f'href="/canned/{library["support"].pk}/delete/"' in page
    assert f'href="/canned/{library["everyone"].pk}/delete/"' not in page


def test_an_admin_manages_every_shared_response(world, library):
    page = world.client_for(world.adam).get(URL).text

    for shared in ("support", "sales", "everyone"):
        assert f'href="/canned/{library[shared].pk}/"' in page
    assert "/alices" not in page  # someone else's personal one


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=body+of+ALI", ["/alices"], ["/support", "/everyone"]),
        ("scope=personal", ["/alices"], ["/support", "/everyone"]),
        ("scope=team", ["/support"], ["/alices", "/everyone"]),
        ("scope=everyone", ["/everyone"], ["/alices", "/support"]),
    ],
)
def test_it_searches_and_filters(world, library, query, shown, hidden):
    page = world.client_for(world.alice).get(f"{URL}?{query}").text

    for shortcut in shown:
        assert shortcut in page
    for shortcut in hidden:
        assert f">{shortcut}<" not in page


def test_search_finds_any_script_and_answers_htmx_with_the_results_only(world):
    CannedResponse.objects.create(
        title="Ευχαριστούμε", shortcut="efharisto", body="Σας ευχαριστούμε!", owner=world.alice
    )

    response = world.client_for(world.alice).get(URL, {"q": "ΕΥΧΑΡΙΣΤΟΎΜΕ"}, **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="canned-results"' in response.text
    assert "/efharisto" in response.text


def test_an_empty_library_invites_the_first_response(world):
    page = world.client_for(world.alice).get(URL).text

    assert "No canned responses yet" in page
    assert 'href="/canned/new/"' in page


def test_a_search_with_no_match_says_so(world, library):
    page = world.client_for(world.alice).get(URL, {"q": "zzz"}).text

    assert "No canned response matches" in page
    assert "No canned responses yet" not in page


# --- creating -----------------------------------------------------------------------------------


def test_the_form_documents_the_placeholders_and_previews_the_text(world, library):
    page = world.client_for(world.alice).get(f"{URL}new/").text

    for placeholder in ("{customer_first_name}", "{customer_name}", "{agent_name}", "{page_name}"):
        assert placeholder in page
    assert 'hx-post="/canned/preview/"' in page


def test_the_preview_fills_placeholders_with_sample_values(world):
    response = world.client_for(world.alice).post(
        f"{URL}preview/", {"body": "Hi {customer_first_name}, {agent_first_name} of {page_name}"}
    )

    assert response.status_code == 200
    assert "Hi Maria, Alice of Acme" in response.text
    assert "<html" not in response.text


def test_an_agent_saves_a_personal_response(world):
    alice = world.client_for(world.alice)

    response = alice.post(f"{URL}new/", form_data(shortcut="/спасибо", language="ru"))

    assert response.status_code == 302
    assert response["Location"] == URL
    saved = CannedResponse.objects.get()
    assert (saved.owner, saved.team, saved.shortcut, saved.language) == (
        world.alice,
        None,
        "спасибо",
        "ru",
    )
    assert "Saved /спасибо." in alice.get(URL).text


def test_an_agent_is_offered_only_personal(world):
    page = world.client_for(world.alice).get(f"{URL}new/").text

    assert 'value="personal"' in page
    assert f'value="team:{world.support.pk}"' not in page
    assert 'value="everyone"' not in page


def test_an_agent_cannot_post_a_scope_they_were_not_offered(world):
    response = world.client_for(world.alice).post(
        f"{URL}new/", form_data(scope=f"team:{world.support.pk}")
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    assert not CannedResponse.objects.exists()


def test_a_lead_shares_with_their_team_and_an_admin_with_everyone(world):
    lena = world.client_for(world.lena)
    assert f'value="team:{world.sales.pk}"' not in lena.get(f"{URL}new/").text
    lena.post(f"{URL}new/", form_data(scope=f"team:{world.support.pk}"))
    world.client_for(world.adam).post(f"{URL}new/", form_data(shortcut="all", scope="everyone"))

    assert CannedResponse.objects.get(shortcut="thx").team == world.support
    everyone = CannedResponse.objects.get(shortcut="all")
    assert everyone.team is None and everyone.owner is None


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"shortcut": "two words"}, "Use one word of letters, digits"),
        ({"shortcut": "alices"}, "/alices is already taken in your personal responses"),
        ({"title": ""}, "This field is required."),
        ({"body": ""}, "This field is required."),
    ],
)
def test_bad_input_is_refused_with_what_to_fix_and_the_text_kept(
    world, library, fields, field_error
):
    data = form_data(**{"body": "Kept text", **fields})

    response = world.client_for(world.alice).post(f"{URL}new/", data)

    assert response.status_code == 422
    assert field_error in response.text
    assert data["body"] in response.text
    assert CannedResponse.objects.count() == len(library)


# --- editing and deleting -----------------------------------------------------------------------


def test_an_owner_edits_their_response(world, library):
    alice = world.client_for(world.alice)
    edit = f"{URL}{library['alices'].pk}/"
    assert "Body of alices" in alice.get(edit).text

    response = alice.post(edit, form_data(title="New", shortcut="alices", body="New body"))

    assert response.status_code == 302
    library["alices"].refresh_from_db()
    assert (library["alices"].title, library["alices"].body) == ("New", "New body")


@pytest.mark.parametrize(
    ("who", "what", "status"),
    [
        ("alice", "support", 403),
        ("alice", "everyone", 403),
        ("alice", "bobs", 404),
        ("charlie", "support", 404),
        ("lena", "everyone", 403),
    ],
)
def test_others_cannot_edit_or_delete(world, library, who, what, status):
    client = world.client_for(getattr(world, who))
    response = library[what]

    assert client.get(f"{URL}{response.pk}/").status_code == status
    assert client.post(f"{URL}{response.pk}/", form_data()).status_code == status
    assert client.get(f"{URL}{response.pk}/delete/").status_code == status
    assert client.post(f"{URL}{response.pk}/delete/").status_code == status
    assert CannedResponse.objects.filter(pk=response.pk, shortcut=what).exists()


def test_delete_asks_first_then_deletes(world, library):
    lena = world.client_for(world.lena)
    url = f"{URL}{library['support'].pk}/delete/"

    page = lena.get(url).text
    assert "Delete /support?" in page and "Yes, delete it" in page
    assert CannedResponse.objects.filter(pk=library["support"].pk).exists()

    response = lena.post(url)
    assert response.status_code == 302
    assert not CannedResponse.objects.filter(pk=library["support"].pk).exists()
    assert "Deleted /support." in lena.get(URL).text


def test_the_forms_need_the_csrf_token(world, library):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)

    assert strict.post(f"{URL}new/", form_data()).status_code == 403
    assert strict.post(f"{URL}{library['alices'].pk}/delete/").status_code == 403
    assert CannedResponse.objects.filter(pk=library["alices"].pk).exists()
