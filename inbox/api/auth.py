"""POST /api/v1/auth/token/: a username and password for the user's API token.

It signs in through Django's authenticate(request=...) like the login page, so django-axes
counts its failures and locks it out the same way (see inbox.signin), and a scoped
throttle slows any one address down before that.
"""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from inbox.signin import lockout_response

from .serializers import ErrorSerializer, JsonInput
from .throttling import AnonRateThrottle, ScopedRateThrottle


class TokenRequestSerializer(JsonInput):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Send it as “Authorization: Token <token>”. The same token every time.")
    )


class TokenCreate(GenericAPIView):
    # The credentials are the body: no session (and so no CSRF), no token needed.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Its own tighter rate per address, besides the anonymous callers' one.
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "auth-token"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Wrong username or password.")),
            429: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "Too many tries: slowed down, or locked after repeated failures "
                    "(even the right password) for the cool-off time. Retry-After says "
                    "when to try again."
                ),
            ),
        },
        auth=[],
        summary=_("Get the API token of a user from their username and password"),
    )
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # Django's own request: axes marks a lockout on it, and its middleware reads it.
        http_request = request._request
        user = authenticate(http_request, **body.validated_data)
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                return lockout_response(http_request)
            raise ValidationError({"detail": _("Wrong username or password.")})
        # A sign-in like the login page's: last_login, and axes clears the failures.
        user_logged_in.send(sender=type(user), request=http_request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
