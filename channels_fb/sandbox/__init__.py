"""The local fake of Facebook: the Graph API, the OAuth dialog and media, for tests and
the demo (SOCIALCARE_SANDBOX=1)."""

from .graph import FakeGraph, page_token

__all__ = ["FakeGraph", "page_token"]
