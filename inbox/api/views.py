"""REST endpoints under /api/v1/. Each parses its input, calls one service or selector and
renders the result; access rules live in inbox.selectors, writes in inbox.services."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from inbox import services
from inbox.models import CannedResponse, Conversation, Message
from inbox.selectors import (
    accounts_for,
    conversation_get_for,
    conversation_list_for,
    messages_for,
)
from inbox.selectors.api import (
    labels_all,
    message_get_for,
    notes_for,
    teams_for,
)
from inbox.selectors.library import (
    canned_in_scope,
    canned_response_visible,
    canned_responses_matching,
    canned_responses_usable_by,
)
from inbox.services import library

from . import serializers as s
from .filters import CannedQuerySerializer, ConversationQuerySerializer
from .pagination import Pagination

NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description=_("Not there, or not yours to see."))
FORBIDDEN = OpenApiResponse(s.ErrorSerializer, description=_("Not allowed; the detail says why."))
INVALID = OpenApiResponse(
    description=_("Invalid input: an object naming each wrong field, or a detail message.")
)
REFUSED = OpenApiResponse(s.ErrorSerializer, description=_("Refused; the detail says why."))


class BadRequest(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request cannot be carried out.")
    default_code = "refused"


@contextmanager
def service_refusals() -> Iterator[None]:
    """The services' refusals as HTTP answers, carrying their user-readable message."""
    try:
        yield
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except (services.ReplyRefused, ValueError) as exc:
        raise BadRequest(str(exc)) from exc


def conversation_or_404(request: Request, pk: int) -> Conversation:
    conversation = conversation_get_for(user=request.user, pk=pk)
    if conversation is None:
        raise NotFound(_("There is no conversation %(id)d you can see.") % {"id": pk})
    return conversation


class ApiView(GenericAPIView):
    pagination_class = Pagination
    # Filtering is done by the selectors from validated input, not by generic backends.
    filter_backends: list = []

    def paginated(self, items: object, serializer_class: type) -> Response:
        page = self.paginate_queryset(items)
        return self.get_paginated_response(serializer_class(page, many=True).data)


class ConversationList(ApiView):
    serializer_class = s.ConversationSerializer

    @extend_schema(
        parameters=[ConversationQuerySerializer],
        responses={200: s.ConversationSerializer(many=True), 400: INVALID},
        summary=_("Conversations the user can see, newest activity first"),
    )
    def get(self, request: Request) -> Response:
        # A plain dict: as form data, a missing boolean would read as false.
        query = ConversationQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        conversations = conversation_list_for(user=request.user, filters=query.filters())
        return self.paginated(conversations, s.ConversationSerializer)


class ConversationDetail(ApiView):
    serializer_class = s.ConversationSerializer

    @extend_schema(responses={200: s.ConversationSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ConversationSerializer(conversation_or_404(request, pk)).data)

    @extend_schema(
        request=s.ConversationUpdateSerializer,
        responses={
            200: s.ConversationSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        summary=_("Change status, assignee, team, priority or labels"),
    )
    def patch(self, request: Request, pk: int) -> Response:
        conversation = conversation_or_404(request, pk)
        changes = s.ConversationUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        with service_refusals():
            services.conversation_update(
                conversation=conversation, by=request.user, **changes.validated_data
            )
        return Response(s.ConversationSerializer(conversation_or_404(request, pk)).data)


class ConversationMessages(ApiView):
    serializer_class = s.MessageSerializer

    @extend_schema(
        responses={200: s.MessageSerializer(many=True), 404: NOT_FOUND},
        summary=_("The conversation's messages, oldest first"),
        description=_(
            "In the order the customer wrote them, whatever order they reached us in: by the "
            "platform's time for the customer's messages and for what the account sent from "
            "another app, by the time it was sent from here for our own replies; ties by id, "
            "so every request pages through the same order."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        conversation = conversation_or_404(request, pk)
        return self.paginated(messages_for(conversation=conversation), s.MessageSerializer)


class ConversationReplies(ApiView):
    serializer_class = s.MessageSerializer

    @extend_schema(
        request=s.ReplyCreateSerializer,
        responses={201: s.MessageSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary=_("Queue a reply to the customer"),
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = conversation_or_404(request, pk)
        reply = s.ReplyCreateSerializer(data=request.data)
        reply.is_valid(raise_exception=True)
        with service_refusals():
            message = services.reply_create(
                conversation=conversation, author=request.user, **reply.validated_data
            )
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ConversationNotes(ApiView):
    serializer_class = s.NoteSerializer

    @extend_schema(
        responses={200: s.NoteSerializer(many=True), 404: NOT_FOUND},
        summary=_("The conversation's internal notes, oldest first"),
    )
    def get(self, request: Request, pk: int) -> Response:
        conversation = conversation_or_404(request, pk)
        return self.paginated(notes_for(conversation=conversation), s.NoteSerializer)

    @extend_schema(
        request=s.NoteCreateSerializer,
        responses={201: s.NoteSerializer, 400: INVALID, 404: NOT_FOUND},
        summary=_("Add an internal note; @username mentions a teammate"),
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = conversation_or_404(request, pk)
        note = s.NoteCreateSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        with service_refusals():
            created = services.note_create(
                conversation=conversation, author=request.user, text=note.validated_data["text"]
            )
        return Response(s.NoteSerializer(created).data, status=status.HTTP_201_CREATED)


class MessageRetry(ApiView):
    serializer_class = s.MessageSerializer

    @extend_schema(
        request=None,
        responses={200: s.MessageSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary=_("Queue a failed reply again"),
    )
    def post(self, request: Request, pk: int) -> Response:
        message: Message | None = message_get_for(user=request.user, pk=pk)
        if message is None:
            raise NotFound(_("There is no message %(id)d you can see.") % {"id": pk})
        with service_refusals():
            message = services.message_retry(message=message, by=request.user)
        return Response(s.MessageSerializer(message).data)


class MessageModerate(ApiView):
    serializer_class = s.MessageSerializer

    @extend_schema(
        request=s.ModerationSerializer,
        responses={200: s.MessageSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
        summary=_(
            "Hide, unhide, like, unlike or delete a comment on its platform "
            "(delete: leads of a team working the account, and admins)"
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        message: Message | None = message_get_for(user=request.user, pk=pk)
        if message is None:
            raise NotFound(_("There is no message %(id)d you can see.") % {"id": pk})
        body = s.ModerationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            message = services.comment_moderate(
                message=message, action=body.validated_data["action"], by=request.user
            )
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.ModerationFailed as exc:
            raise BadRequest(str(exc)) from exc
        return Response(s.MessageSerializer(message).data)


class CannedResponses(ApiView):
    serializer_class = s.CannedResponseSerializer

    @extend_schema(
        parameters=[CannedQuerySerializer],
        responses={200: s.CannedResponseSerializer(many=True)},
        summary=_("Responses the user can use: their own, their teams' and everyone's"),
    )
    def get(self, request: Request) -> Response:
        query = CannedQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        usable = canned_in_scope(
            canned_responses_usable_by(user=request.user),
            user=request.user,
            scope=query.validated_data.get("scope", ""),
        )
        found = canned_responses_matching(
            usable, q=query.validated_data.get("q", ""), fields=("title", "shortcut", "body")
        )
        return self.paginated(found, s.CannedResponseSerializer)

    @extend_schema(
        request=s.CannedResponseCreateSerializer,
        responses={201: s.CannedResponseSerializer, 400: INVALID, 403: FORBIDDEN},
        summary=_("Save a response: personal, for a team (leads) or for everyone (admins)"),
    )
    def post(self, request: Request) -> Response:
        response = s.CannedResponseCreateSerializer(data=request.data)
        response.is_valid(raise_exception=True)
        with service_refusals():
            created = services.canned_response_create(by=request.user, **response.validated_data)
        return Response(s.CannedResponseSerializer(created).data, status=status.HTTP_201_CREATED)


class CannedResponseDetail(ApiView):
    """One canned response: anyone who may use it reads it; changes follow the sharing rules
    (owners their personal ones, leads their teams', admins the shared ones)."""

    serializer_class = s.CannedResponseSerializer

    def found(self, request: Request, pk: int) -> CannedResponse:
        response = canned_response_visible(user=request.user, pk=pk)
        if response is None:
            raise NotFound(_("There is no canned response %(id)d you can see.") % {"id": pk})
        return response

    @extend_schema(responses={200: s.CannedResponseSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.CannedResponseSerializer(self.found(request, pk)).data)

    @extend_schema(
        request=s.CannedResponseCreateSerializer,
        responses={
            200: s.CannedResponseSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        summary=_("Change a response, or move it to another scope you may share with"),
    )
    def patch(self, request: Request, pk: int) -> Response:
        response = self.found(request, pk)
        changes = s.CannedResponseCreateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        with service_refusals():
            library.canned_response_update(
                response=response, by=request.user, **changes.validated_data
            )
        return Response(s.CannedResponseSerializer(response).data)

    @extend_schema(
        request=None,
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary=_("Delete a response"),
    )
    def delete(self, request: Request, pk: int) -> Response:
        response = self.found(request, pk)
        with service_refusals():
            library.canned_response_delete(response=response, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Accounts(ApiView):
    serializer_class = s.AccountSerializer

    @extend_schema(
        responses=s.AccountSerializer(many=True), summary=_("Channel accounts the user works")
    )
    def get(self, request: Request) -> Response:
        return self.paginated(accounts_for(request.user), s.AccountSerializer)


class Labels(ApiView):
    serializer_class = s.LabelSerializer

    @extend_schema(responses=s.LabelSerializer(many=True), summary=_("Every label"))
    def get(self, request: Request) -> Response:
        return self.paginated(labels_all(), s.LabelSerializer)


class Teams(ApiView):
    serializer_class = s.TeamRefSerializer

    @extend_schema(
        responses=s.TeamRefSerializer(many=True),
        summary=_("Teams the user is in or works alongside"),
    )
    def get(self, request: Request) -> Response:
        return self.paginated(teams_for(user=request.user), s.TeamRefSerializer)


@csrf_exempt  # it changes nothing: a POST to a wrong path learns so, not that CSRF failed
def no_such_endpoint(request: HttpRequest) -> HttpResponse:
    """Any path under /api/v1/ that is not an endpoint (or an id that is not a number).

    An endpoint's path without its trailing slash is sent on with a 308, which keeps the
    method and the body (Django's own slash redirect is a 301, which turns a POST into a GET).
    """
    if not request.path.endswith("/"):
        if _is_endpoint(request.path + "/"):
            query = request.META.get("QUERY_STRING", "")
            target = iri_to_uri(request.path + "/" + (f"?{query}" if query else ""))
            return HttpResponsePermanentRedirect(target, preserve_request=True)
        detail = _("There is no endpoint %(path)s; API paths end with a slash.")
    else:
        detail = _("There is no endpoint %(path)s.")
    return JsonResponse({"detail": detail % {"path": request.path[:200]}}, status=404)


def _is_endpoint(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is not no_such_endpoint
