"""X (Twitter): mentions, replies and DMs.

Thin until the X channel issue: capabilities and connection fields only.
"""

from django.utils.translation import gettext_lazy as _

from inbox.adapters import Capabilities, ChannelAdapter, CredentialField, Outbound, SendResult
from inbox.sandbox import sandbox_send


class TwitterAdapter(ChannelAdapter):
    kind = "twitter"
    label = _("X (Twitter)")
    simulated = True
    capabilities = Capabilities(public_reply=True, private_reply=True, max_text_length=280)
    credential_fields = (
        CredentialField("account_id", _("X user ID")),
        CredentialField("access_token", _("OAuth 2.0 access token"), secret=True),
        CredentialField("refresh_token", _("OAuth 2.0 refresh token"), secret=True, required=False),
    )

    def send(self, outbound: Outbound) -> SendResult:
        return sandbox_send(self.kind, outbound)
