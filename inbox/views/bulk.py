"""Bulk actions on the rows selected in the list: assign, move to a team, status, label.

The toolbar is a plain form around the list, so it works without JS (the answer redirects
back to the list with a message); with HTMX the list pane and the folders come back.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inbox import services
from inbox.forms.bulk import BulkForm
from inbox.forms.list import ListForm

from .common import BAD_INPUT, is_partial, render_fragment
from .pages import LIST_CHANGED, folders_context, list_context


@require_POST
@login_required
def bulk(request: HttpRequest) -> HttpResponse:
    # The list the rows were selected in: the form carries its query string.
    shown = ListForm(QueryDict(request.POST.get("list", "")), user=request.user)
    shown.is_valid()
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        return _answer(request, shown, error=form.error_text())
    try:
        result = services.conversations_bulk_update(
            by=request.user, ids=form.cleaned_data["conversations"], **form.changes(request.user)
        )
    except ValueError as exc:
        return _answer(request, shown, error=str(exc))
    return _answer(request, shown, message=summary(result))


def summary(result: services.BulkResult) -> str:
    """The answer, such as "3 conversations updated; 1 could not be: <why>"."""
    parts = [
        ngettext(
            "%(count)d conversation updated", "%(count)d conversations updated", result.updated
        )
        % {"count": result.updated}
    ]
    if result.refused:
        reasons = " ".join(dict.fromkeys(why for _convo, why in result.refused))
        parts.append(
            ngettext(
                "%(count)d could not be: %(why)s",
                "%(count)d could not be: %(why)s",
                len(result.refused),
            )
            % {"count": len(result.refused), "why": reasons}
        )
    if result.not_found:
        parts.append(
            ngettext(
                "%(count)d is not there or not yours to see",
                "%(count)d are not there or not yours to see",
                result.not_found,
            )
            % {"count": result.not_found}
        )
    text = _("; ").join(parts)
    if text.endswith((".", "。", "!", "?")):  # the last reason ended its own sentence
        return text
    # Translated: the full stop is not the same in every script.
    return _("%(summary)s.") % {"summary": text}


def _answer(
    request: HttpRequest, shown: ListForm, *, message: str = "", error: str = ""
) -> HttpResponse:
    if not is_partial(request):
        (messages.error if error else messages.success)(request, error or message)
        return HttpResponseRedirect(f"{reverse('inbox:index')}?{shown.query()}")
    context = list_context(request, shown.folder_key, form=shown)
    context.update(folders_context(request, shown.folder_key, oob=True))
    context.update(bulk_message=message, bulk_error=error)
    return render_fragment(request, LIST_CHANGED, context, status=BAD_INPUT if error else 200)
