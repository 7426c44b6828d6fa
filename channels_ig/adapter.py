"""Instagram: DMs, comments and mentions.

Thin until the Instagram channel issue: capabilities and connection fields only.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from inbox.adapters import Capabilities, ChannelAdapter, CredentialField, Outbound, SendResult
from inbox.sandbox import sandbox_send


class InstagramAdapter(ChannelAdapter):
    kind = "instagram"
    label = _("Instagram")
    simulated = True
    capabilities = Capabilities(
        public_reply=True,
        private_reply=True,
        hide=True,
        like=False,
        delete=True,
        # Instagram counts 1000 UTF-8 bytes; characters are the closest generic measure.
        max_text_length=1000,
        messaging_window=timedelta(hours=24),
    )
    credential_fields = (
        CredentialField("account_id", _("Instagram account ID")),
        CredentialField("access_token", _("Access token"), secret=True),
    )

    def send(self, outbound: Outbound) -> SendResult:
        return sandbox_send(self.kind, outbound)
