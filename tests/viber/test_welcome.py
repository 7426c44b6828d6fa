"""welcome_for: the welcome answered to conversation_started, from the bot's options alone."""

import pytest

from channels_viber.welcome import welcome_for


class Bot:
    """What welcome_for reads of an account."""

    def __init__(self, welcome, name: str = "Acme Support") -> None:
        self.options = {"welcome": welcome}
        self.name = name


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Здравствуйте, Ирина!"),
        ("en-GB", "Hello Ирина!"),
        ("pt-BR", "Olá Ирина!"),
        ("pt", "Olá Ирина!"),
        ("el", "Hi Ирина!"),
        (None, "Hi Ирина!"),
    ],
)
def test_the_welcome_takes_the_users_language_then_its_base_then_the_default(language, expected):
    bot = Bot(
        {
            "": "Hi {customer_name}!",
            "ru": "Здравствуйте, {customer_name}!",
            "en": "Hello {customer_name}!",
            "pt-BR": "Olá {customer_name}!",
        }
    )

    welcome = welcome_for(bot, {"name": "Ирина", "language": language})

    assert welcome["text"] == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hi {customer_name}, {bot_name} {unknown} here", "Hi , Bot {unknown} here"),
        ("{ {customer_name} {0} {bot_name.upper}", "{  {0} {bot_name.upper}"),
        ("100% {bot_name}}", "100% Bot}"),
    ],
)
def test_welcome_placeholders_never_raise(template, expected):
    assert welcome_for(Bot({"": template}, name="Bot"), {})["text"] == expected


def test_a_customer_name_with_braces_stays_text_and_the_sender_name_fits_viber():
    bot = Bot({"": "{customer_name} / {bot_name}"}, name="Acme Support for Every Customer Ltd")

    welcome = welcome_for(bot, {"name": "{bot_name} {0}"})

    assert welcome["text"] == "{bot_name} {0} / Acme Support for Every Customer Ltd"
    assert welcome["sender"] == {"name": "Acme Support for Every Custo"}


@pytest.mark.parametrize("welcome", [None, {}, {"": ""}, {"ru": "Привет"}, {"": "   "}])
def test_there_is_no_welcome_without_a_text_for_the_user(welcome):
    assert welcome_for(Bot(welcome), {"name": "Nikos", "language": "el"}) is None
