"""factory_boy factories for the domain; the test channel is the default channel."""

from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from inbox import models
from tests.testchannel.adapter import KIND


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda u: u.username.capitalize())
    password = factory.django.Password("correct horse battery staple")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChannelAccount

    kind = KIND
    external_id = factory.Sequence(lambda n: f"acct-{n}")
    name = factory.Sequence(lambda n: f"Account {n}")
    credentials = factory.LazyAttribute(lambda a: {"account_id": a.external_id, "token": "tok"})


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    name = factory.Sequence(lambda n: f"Customer {n}")


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Identity

    contact = factory.SubFactory(ContactFactory)
    account = factory.SubFactory(AccountFactory)
    external_id = factory.Sequence(lambda n: f"user-{n}")
    name = factory.LazyAttribute(lambda i: i.contact.name)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Conversation

    account = factory.SubFactory(AccountFactory)
    identity = factory.SubFactory(IdentityFactory, account=factory.SelfAttribute("..account"))
    contact = factory.LazyAttribute(lambda c: c.identity.contact)
    kind = models.Conversation.Kind.DIRECT
    thread_key = factory.Sequence(lambda n: f"thread-{n}")
    last_activity_at = factory.LazyFunction(timezone.now)
    last_inbound_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Message

    conversation = factory.SubFactory(ConversationFactory)
    account = factory.LazyAttribute(lambda m: m.conversation.account)
    direction = models.Message.Direction.IN
    text = factory.Sequence(lambda n: f"message {n}")
    external_id = factory.Sequence(lambda n: f"in-{n}")
    identity = factory.LazyAttribute(lambda m: m.conversation.identity)
    platform_timestamp = factory.LazyFunction(lambda: datetime.now(UTC))


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Label
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"label-{n}")
