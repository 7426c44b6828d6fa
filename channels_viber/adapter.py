"""Viber bots: one-to-one conversations only.

Thin until the Viber channel issue: capabilities and connection fields only.
"""

from django.utils.translation import gettext_lazy as _

from inbox.adapters import Capabilities, ChannelAdapter, CredentialField, Outbound, SendResult
from inbox.sandbox import sandbox_send


class ViberAdapter(ChannelAdapter):
    kind = "viber"
    label = _("Viber")
    capabilities = Capabilities(public_reply=False, private_reply=False, max_text_length=7000)
    credential_fields = (
        CredentialField("account_id", _("Bot ID (from get_account_info)")),
        CredentialField("auth_token", _("Bot token"), secret=True),
    )

    def send(self, outbound: Outbound) -> SendResult:
        return sandbox_send(self.kind, outbound)
