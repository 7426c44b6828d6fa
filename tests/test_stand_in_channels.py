"""Instagram and X are stand-ins until their channels land: nothing pretends otherwise."""

import pytest

from inbox.adapters import get_adapter


@pytest.mark.parametrize("path", ["/webhooks/instagram/", "/webhooks/twitter/"])
def test_it_mounts_no_webhook_for_a_stand_in_channel(client, db, path):
    assert client.post(path, b"{}", content_type="application/json").status_code == 404


def test_it_mounts_the_webhooks_of_the_built_channels(client, db):
    # The handshake without a token is refused, but the view is there.
    assert client.get("/webhooks/facebook/").status_code != 404


@pytest.mark.parametrize(
    ("kind", "simulated"),
    [("instagram", True), ("twitter", True), ("facebook", False), ("viber", False)],
)
def test_each_adapter_says_whether_it_is_a_stand_in(kind, simulated):
    assert get_adapter(kind).simulated is simulated
