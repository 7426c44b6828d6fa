"""The customer panel beside a conversation: tags, VIP, notes, linking the same person.

Anyone who may see the conversation sees its customer as far as their teams' accounts
go. Changing the customer (tags, VIP, notes, links and undoing them) needs the whole
customer to be visible: every linked contact, handle and conversation (the services
check; a refusal is a 403 with the reason in the panel). HTMX gets the panel back;
without it, a redirect to the conversation.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from inbox import services
from inbox.forms.customer import (
    CandidateSearchForm,
    ContactChoiceForm,
    FlagForm,
    NotesForm,
    TagForm,
)
from inbox.models import Conversation
from inbox.selectors.contacts import (
    contact_get_for,
    customer_panel_for,
    group_of,
    merge_candidates_for,
)
from inbox.services import contacts as customers

from .common import FORBIDDEN, REFUSED, conversation_or_404, is_partial, render_fragment
from .pages import folder_of, list_query
from .pane import back_to, full_page, list_params, pane_context

PANEL = "inbox/customer.html#customer_panel"
NOTES_STATUS = "inbox/customer.html#notes_status"
CANDIDATES = "inbox/customer.html#merge_candidates"


@require_GET
@login_required
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel alone, for the page to refresh when someone else changed the customer."""
    convo = conversation_or_404(request, pk)
    if not is_partial(request):
        return back_to(request, convo)
    return render_fragment(request, PANEL, _panel_context(request, convo))


@require_POST
@login_required
def tags(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a free tag, or remove one (`remove`)."""
    convo = conversation_or_404(request, pk)
    form = TagForm(request.POST)
    if not form.is_valid():
        return _refused(request, convo, form.non_field_errors()[0])
    data = form.cleaned_data
    if data["remove"].strip():
        return _apply(request, convo, customers.contact_tag_remove, focus="tag", tag=data["remove"])
    return _apply(request, convo, customers.contact_tag_add, focus="tag", tag=data["tag"])


@require_POST
@login_required
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    """The VIP and "top customer" switches."""
    convo = conversation_or_404(request, pk)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _refused(request, convo, form.errors["flag"][0])
    name = form.cleaned_data["flag"]
    return _apply(
        request,
        convo,
        customers.contact_flag_set,
        focus=f"flag-{name}",
        flag=name,
        on=form.cleaned_data["on"],
    )


@require_POST
@login_required
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the customer's notes; HTMX gets only the "saved" line, the text stays as typed."""
    convo = conversation_or_404(request, pk)
    form = NotesForm(request.POST)
    error = ""
    status = REFUSED
    if form.is_valid():
        try:
            customers.contact_notes_save(
                contact=convo.contact, notes=form.cleaned_data["notes"], by=request.user
            )
        except services.NotAllowed as exc:
            error, status = str(exc), FORBIDDEN
        except ValueError as exc:
            error = str(exc)
    else:
        error = form.errors["notes"][0]
    if not is_partial(request):
        return _refused(request, convo, error, status=status) if error else back_to(request, convo)
    context = {"notes_error": error, "notes_saved": not error}
    return render_fragment(request, NOTES_STATUS, context, status=status if error else 200)


@require_GET
@login_required
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Contacts that could be the same person as this conversation's customer."""
    convo = conversation_or_404(request, pk)
    form = CandidateSearchForm(request.GET)
    query = form.cleaned_data["who"] if form.is_valid() else ""
    found = merge_candidates_for(user=request.user, contact=convo.contact, query=query)
    extra = {
        "candidate_query": query,
        "candidates": found,
        "searched": bool(query.strip()),
        "candidate_error": "" if form.is_valid() else form.errors["who"][0],
    }
    if is_partial(request):
        context = {**_panel_context(request, convo), **extra}
        return render_fragment(request, CANDIDATES, context)
    context = {**pane_context(request, convo, folder_of(request)), **extra}
    return full_page(request, convo, context, status=200)


@require_POST
@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the chosen contact to this customer: the same person."""
    convo = conversation_or_404(request, pk)
    other = _chosen_contact(request)
    if other is None:
        return _refused(request, convo, _not_found())
    return _apply(request, convo, customers.contact_merge, focus="linked", other=other)


@require_POST
@login_required
def unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a link: the chosen contact (of this customer's group) is its own person again."""
    convo = conversation_or_404(request, pk)
    chosen = _chosen_contact(request)
    if chosen is None or chosen.pk not in {m.pk for m in group_of(convo.contact)}:
        return _refused(request, convo, _not_found())
    try:
        customers.contact_unmerge(contact=chosen, by=request.user)
    except services.NotAllowed as exc:
        return _refused(request, convo, str(exc), status=FORBIDDEN)
    except ValueError as exc:
        return _refused(request, convo, str(exc))
    convo.contact.refresh_from_db()
    return _answer(request, convo, focus="panel")


def _chosen_contact(request: HttpRequest) -> Any:
    form = ContactChoiceForm(request.POST)
    if not form.is_valid():
        return None
    return contact_get_for(user=request.user, pk=form.cleaned_data["contact"])


def _not_found() -> str:
    return _("That customer is not there any more, or not one you can see: search again.")


def _apply(
    request: HttpRequest, convo: Conversation, service: Any, *, focus: str, **kwargs: Any
) -> HttpResponse:
    try:
        service(contact=convo.contact, by=request.user, **kwargs)
    except services.NotAllowed as exc:
        return _refused(request, convo, str(exc), status=FORBIDDEN)
    except ValueError as exc:
        return _refused(request, convo, str(exc))
    convo.contact.refresh_from_db()
    return _answer(request, convo, focus=focus)


def _panel_context(request: HttpRequest, convo: Conversation) -> dict[str, Any]:
    folder = folder_of(request)
    return {
        "conversation": convo,
        "folder": folder,
        "list_query": list_query(request),
        "list_params": list_params(request),
        **customer_panel_for(user=request.user, conversation=convo),
    }


def _answer(request: HttpRequest, convo: Conversation, *, focus: str) -> HttpResponse:
    if not is_partial(request):
        return back_to(request, convo)
    context = {**_panel_context(request, convo), "focus": focus}
    return render_fragment(request, PANEL, context)


def _refused(
    request: HttpRequest, convo: Conversation, error: str, *, status: int = REFUSED
) -> HttpResponse:
    """The panel again with the reason (HTMX), or the whole page with it: 422 for input
    to fix, 403 for a change this person may not make."""
    if is_partial(request):
        context = {**_panel_context(request, convo), "customer_error": error, "focus": "alert"}
        response = render_fragment(request, PANEL, context, status=status)
        return reswap(retarget(response, "#customer-panel"), "outerHTML")
    context = pane_context(request, convo, folder_of(request))
    context.update(customer_error=error)
    return full_page(request, convo, context, status=status)
