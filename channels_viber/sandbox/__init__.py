"""The local fake of Viber: the REST Bot API and media, for tests and the demo
(SOCIALCARE_SANDBOX=1)."""

from .api import FakeViber

__all__ = ["FakeViber"]
