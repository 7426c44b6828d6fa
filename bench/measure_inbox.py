"""The inbox list at scale: queries per page, server time against the raw SQL, counts.

For an agent (alice: the accounts of her team) and an admin (adam: every account),
the first page of the Open folder through `inbox.selectors.conversation_list_for`,
evaluated as a page uses it (the rows, their account, contact, assignee, team and
labels), for 10 and 50 rows. The baseline is the same main query, as Django builds it,
run through a bare cursor. EXPLAIN ANALYZE of each query goes to bench/out/.
"""

import copy
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench import Figure
from bench.generate import ADMIN, AGENT
from inbox.models import Conversation
from inbox.selectors import ConversationFilters, conversation_list_for, folder_counts_for
from inbox.selectors.conversations import folder_teams_for

PAGE_SIZES = (10, 50)
TARGET_MS = 15.0
TARGET_QUERIES = 8
FOLDER = ConversationFilters(status=Conversation.Status.OPEN)


def measure(*, runs: int, out_dir: Path) -> list[Figure]:
    User = get_user_model()
    figures: list[Figure] = []
    print(f"inbox: {Conversation.objects.count():,} conversations", flush=True)
    for username, role in ((AGENT, "agent"), (ADMIN, "admin")):
        user = User.objects.get(username=username)
        queries: dict[int, int] = {}
        for rows in PAGE_SIZES:
            figures.append(_page(user, role, rows, runs, out_dir, queries))
        figures.append(
            Figure(
                f"inbox list queries, {role}: {PAGE_SIZES[0]} vs {PAGE_SIZES[-1]} rows",
                " vs ".join(str(queries[rows]) for rows in PAGE_SIZES),
                target=f"<= {TARGET_QUERIES}, the same for every page size",
                passed=len(set(queries.values())) == 1 and max(queries.values()) <= TARGET_QUERIES,
            )
        )
        figures.append(_counts(user, role, runs, out_dir))
    figures += _html_page(runs)
    return figures


def _page(
    user: Any, role: str, rows: int, runs: int, out_dir: Path, queries: dict[int, int]
) -> Figure:
    def page() -> list[Conversation]:
        # A fresh user object, as each request has: nothing cached on it from the last run.
        qs = conversation_list_for(user=copy.copy(user), filters=FOLDER)[:rows]
        items = list(qs)
        for c in items:  # what the list shows of each row
            (c.account.name, c.contact.name, c.assignee, c.team, [x.name for x in c.labels.all()])
        return items

    with CaptureQueriesContext(connection) as captured:
        items = page()
    queries[rows] = len(captured)
    qs = conversation_list_for(user=copy.copy(user), filters=FOLDER)[:rows]
    sql, params = qs.query.sql_with_params()

    def raw() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    if len(raw()) != len(items):
        raise RuntimeError("the raw SQL and the selector disagree on the page's rows")
    orm_ms = _median_ms(page, runs)
    raw_ms = _median_ms(raw, runs)
    _explain(out_dir / f"inbox_list_{role}_{rows}.txt", sql, params, captured.captured_queries)
    print(
        f"inbox: {role} first page of {rows}: {orm_ms:.2f} ms, {queries[rows]} queries; "
        f"raw main query {raw_ms:.2f} ms",
        flush=True,
    )
    return Figure(
        f"inbox list first page, {role}, {rows} rows",
        f"{orm_ms:.2f} ms",
        baseline=f"raw SQL {raw_ms:.2f} ms",
        ratio=f"{orm_ms / raw_ms:.1f}x",
        target=f"<= {TARGET_MS:.0f} ms",
        passed=orm_ms <= TARGET_MS,
    )


def _counts(user: Any, role: str, runs: int, out_dir: Path) -> Figure:
    # With the team folders, as the page asks for them.
    teams = list(folder_teams_for(user=copy.copy(user)))
    with CaptureQueriesContext(connection) as captured:
        counts = folder_counts_for(user=copy.copy(user), teams=teams)
    aggregates = [q for q in captured if "COUNT(" in q["sql"].upper()]
    counts_ms = _median_ms(lambda: folder_counts_for(user=copy.copy(user), teams=teams), runs)
    if aggregates:
        _explain(
            out_dir / f"folder_counts_{role}.txt",
            aggregates[0]["sql"],
            None,
            captured.captured_queries,
        )
    print(
        f"inbox: {role} folder counts {counts}: {counts_ms:.2f} ms, "
        f"{len(aggregates)} aggregate of {len(captured)} queries",
        flush=True,
    )
    return Figure(
        f"folder counts, {role}",
        f"{counts_ms:.2f} ms, {len(aggregates)} aggregate query ({len(captured)} in all)",
        target="1 aggregate query",
        passed=len(aggregates) == 1,
    )


def _html_page(runs: int) -> list[Figure]:
    """The whole inbox page (list, folder counts, layout) through Django's test client."""
    try:
        url = reverse("inbox:index")
    except NoReverseMatch:
        print("inbox: no inbox:index page yet, so no whole-page figure", flush=True)
        return []
    target = f"{url}?folder=open"
    figures = []
    for username, role in ((AGENT, "agent"), (ADMIN, "admin")):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        executed: list[str] = []

        def count(execute: Any, sql: str, *args: Any, log: list[str] = executed) -> Any:
            log.append(sql)
            return execute(sql, *args)

        # Counted at the driver: the test client's request_started signal empties the
        # query log that CaptureQueriesContext reads.
        with connection.execute_wrapper(count):
            response = client.get(target)
        if response.status_code != 200:
            print(f"inbox: {target} answered {response.status_code}; skipped", flush=True)
            continue
        ms = _median_ms(lambda c=client: c.get(target), runs)
        print(f"inbox: {role} whole page {target}: {ms:.2f} ms, {len(executed)} queries")
        figures.append(
            Figure(
                f"inbox HTML page {target}, {role}",
                f"{ms:.2f} ms, {len(executed)} queries",
                target="(reported; includes the folder counts)",
            )
        )
    return figures


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm: connection, caches, plans
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _explain(path: Path, sql: str, params: Any, captured: list[dict[str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    all_queries = "\n\n".join(f"-- {q['time']} s\n{q['sql']}" for q in captured)
    path.write_text(
        f"-- main query\n{sql}\n-- params: {params}\n\n{plan}\n\n"
        f"-- every query of one evaluation\n{all_queries}\n"
    )
