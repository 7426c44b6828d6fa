"""`make bench`: data at scale on PostgreSQL and the spine's figures, each as a ratio.

Run with `python -m bench` (see bench/README.md). Not part of `make test`.
"""

from dataclasses import dataclass

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Puts the test channel under load: its adapter parses what the bench ingests."""

    name = "bench"
    label = "bench"
    verbose_name = "Benchmarks"

    def ready(self) -> None:
        from inbox.adapters import register
        from tests.testchannel.adapter import TestChannelAdapter

        register(TestChannelAdapter())


@dataclass
class Figure:
    """One line of the summary: a measured value, what it is compared with, the target."""

    name: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: ""}[self.passed]
