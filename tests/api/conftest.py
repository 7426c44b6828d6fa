"""Fixtures the API tests share: a conversation on Acme with a customer's first message."""

import pytest

from tests.factories import ConversationFactory, MessageFactory


@pytest.fixture
def conversation(world):
    conversation = ConversationFactory(account=world.acme, identity__contact__name="Maria")
    MessageFactory(conversation=conversation, text="Is my parcel lost?")
    return conversation


@pytest.fixture
def sales_conversation(world):
    return ConversationFactory(account=world.other)
