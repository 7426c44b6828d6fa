"""`/webhooks/viber/<account id>/`: one URL per bot, because Viber's callbacks name no bot.

Each bot signs with its own token, so the URL says which token verifies the body.
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox import outage
from inbox.models import ChannelAccount
from inbox.signing import hmac_sha256_hex, signature_matches
from inbox.webhooks import receive_webhook

from .parse import conversation_started_user
from .welcome import welcome_for

KIND = "viber"
SIGNATURE_HEADER = "X-Viber-Content-Signature"


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(
        ChannelAccount.objects.exclude(status=ChannelAccount.Status.DISABLED),
        pk=account_id,
        kind=KIND,
    )
    token = account.credentials.get("auth_token") or ""
    response = receive_webhook(
        request,
        kind=KIND,
        verify=lambda body: signature_valid(body, request.headers.get(SIGNATURE_HEADER), token),
        account=account,
    )
    if response.status_code != 200:
        return response
    # receive_webhook has read this body as JSON and stored it.
    user = conversation_started_user(json.loads(request.body))
    if user is None:
        return response
    # The free welcome exists only as this answer (send_message would fail for a
    # non-subscriber); an empty 200 when the account has none.
    welcome = welcome_for(account, user)
    if welcome is None or not _first_welcome(account, user):
        return HttpResponse()
    return JsonResponse(welcome)


# Viber may fire conversation_started each time the chat is opened: welcome once a month.
WELCOME_AGAIN_AFTER = 30 * 24 * 3600


def _first_welcome(account: ChannelAccount, user: dict) -> bool:
    """Whether to welcome now. While the cache is down, welcome: this answer is the only
    message a non-subscriber can get, and a second greeting costs less than none."""
    key = f"viber:welcomed:{account.pk}:{user.get('id', '')}"
    return outage.cache_add(key, 1, WELCOME_AGAIN_AFTER, when_down=True)


def signature_valid(body: bytes, given: str | None, token: str) -> bool:
    """Lowercase hex HMAC-SHA256 of the raw bytes, keyed with this bot's token (section 3)."""
    if not token:
        return False
    return signature_matches(hmac_sha256_hex(token, body), (given or "").lower())
