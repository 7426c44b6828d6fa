from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox.signing import hmac_sha256_hex, signature_matches
from inbox.webhooks import receive_webhook

from .adapter import KIND, SECRET


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    def verify(body: bytes) -> bool:
        return signature_matches(
            hmac_sha256_hex(SECRET, body), request.headers.get("X-Test-Signature")
        )

    return receive_webhook(request, kind=KIND, verify=verify)
