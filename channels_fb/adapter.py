"""Facebook Page: Messenger, post comments and reviews.

Thin until the Facebook channel issue: it declares what the channel can do and how an
account is connected; parsing and the Graph client arrive with that issue.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from inbox.adapters import Capabilities, ChannelAdapter, CredentialField, Outbound, SendResult
from inbox.sandbox import sandbox_send


class FacebookAdapter(ChannelAdapter):
    kind = "facebook"
    label = _("Facebook")
    capabilities = Capabilities(
        public_reply=True,
        private_reply=True,
        hide=True,
        like=True,
        delete=True,
        max_text_length=2000,
        messaging_window=timedelta(hours=24),
    )
    credential_fields = (
        CredentialField("page_id", _("Page ID")),
        CredentialField("access_token", _("Page access token"), secret=True),
    )

    def send(self, outbound: Outbound) -> SendResult:
        return sandbox_send(self.kind, outbound)
