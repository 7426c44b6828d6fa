"""`python -m bench` (what `make bench` runs): generate data at scale, measure, report.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialcare_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python -m bench [--scale 0.01] [--regenerate]
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
RESULTS = BENCH_DIR / "RESULTS.md"
EXAMPLE_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/socialcare_bench"
EXAMPLE_REDIS_URL = "redis://127.0.0.1:6379/3"
PARTS = ("webhook", "ingest", "inbox")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Generate data at scale on PostgreSQL and measure the spine, as ratios.",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="fraction of the full data set (100,000 conversations, 1,000,000 messages); "
        "0.01 for a quick smoke run",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="drop and recreate the bench database first"
    )
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run only this measurement (repeatable)"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="webhook load per endpoint (default 10)"
    )
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent keep-alive connections (8)"
    )
    parser.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk when installed (auto), else the bundled Python one",
    )
    parser.add_argument("--events", type=int, default=5000, help="ingest: events to process")
    parser.add_argument("--runs", type=int, default=50, help="inbox: timed runs per figure")
    parser.add_argument(
        "--results",
        choices=("auto", "yes", "no"),
        default="auto",
        help="write bench/RESULTS.md: auto = only for a full-scale run of every part",
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    if args.seconds <= 0 or args.seconds > 120:
        parser.error("--seconds must be above 0 and at most 120")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be between 1 and 256")
    if not 10 <= args.events <= 200_000:
        parser.error("--events must be between 10 and 200000")
    if not 3 <= args.runs <= 10_000:
        parser.error("--runs must be between 3 and 10000")
    return args


def refuse(message: str) -> int:
    print(f"bench: {message}", file=sys.stderr)
    return 2


def check_environment() -> str | None:
    """What is wrong with the environment for a bench run, or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return (
            "the bench runs on PostgreSQL only (100,000 conversations are not a SQLite "
            f"workload), and DATABASE_URL is {url or 'not set'!r}. Run `make bench`, or set "
            f"DATABASE_URL={EXAMPLE_DATABASE_URL}"
        )
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if "bench" not in name:
        return (
            f"the bench flushes and refills its database, and {name!r} does not look like a "
            "bench database. Point DATABASE_URL at a database whose name contains 'bench', "
            f"e.g. {EXAMPLE_DATABASE_URL}"
        )
    redis = os.environ.get("REDIS_URL", "")
    if not redis.startswith(("redis://", "rediss://")):
        return (
            "the webhook figure includes the enqueue to Redis, and REDIS_URL is "
            f"{redis or 'not set'!r}. Run `make bench`, or set REDIS_URL={EXAMPLE_REDIS_URL}"
        )
    return None


def database_prepare(url: str, *, drop: bool) -> str:
    """Create the bench database if it is missing (drop it first with --regenerate)."""
    import psycopg
    from psycopg import sql

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info["dbname"])
    admin = {**info, "dbname": "postgres"}
    with psycopg.connect(psycopg.conninfo.make_conninfo(**admin), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            print(f"database: dropping {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        if not exists or drop:
            print(f"database: creating {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    # Lets the project's settings start without production keys; bench.settings then
    # turns DEBUG off for the code under measurement.
    os.environ.setdefault("DEBUG", "1")
    problem = check_environment()
    if problem:
        return refuse(problem)
    try:
        database_prepare(os.environ["DATABASE_URL"], drop=args.regenerate)
    except Exception as exc:  # noqa: BLE001 - any connection failure gets the same advice
        return refuse(f"cannot reach PostgreSQL at DATABASE_URL: {exc}")

    import django

    django.setup()

    from bench import Figure, generate

    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / ".gitignore").write_text("*\n")
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    if load_before > len(os.sched_getaffinity(0)) / 2:
        print(
            f"note: the load average is {load_before:.1f} before the bench starts; "
            "other processes on this machine will lower every figure"
        )
    scale = generate.Scale(args.scale)
    generated = generate.ensure(scale)
    parts = args.only or list(PARTS)
    figures: list[Figure] = []
    for part in PARTS:
        if part in parts:
            print(f"\n== {part} ==", flush=True)
            figures += runner(part, args)()
    elapsed = time.monotonic() - started
    load = (load_before, os.getloadavg()[0])
    table = summary_table(figures)
    print("\n== summary ==\n" + table)
    print(
        f"\nwhole run: {elapsed / 60:.1f} min; EXPLAIN output in {OUT_DIR.relative_to(Path.cwd())}/"
    )
    full = args.scale >= 1 and set(parts) == set(PARTS)
    if args.results == "yes" or (args.results == "auto" and full):
        RESULTS.write_text(results_markdown(table, args, load, elapsed, generated))
        print(f"wrote {RESULTS}")
    else:
        print("bench/RESULTS.md left as it is (not a full-scale run of every part)")
    return 1 if any(f.passed is False for f in figures) else 0


def runner(part: str, args: argparse.Namespace) -> Callable[[], list]:
    if part == "webhook":
        from bench import measure_webhook

        return lambda: measure_webhook.measure(
            seconds=args.seconds, connections=args.connections, loadgen=args.loadgen
        )
    if part == "ingest":
        from bench import measure_ingest

        return lambda: measure_ingest.measure(events=args.events)
    from bench import measure_inbox

    return lambda: measure_inbox.measure(runs=args.runs, out_dir=OUT_DIR)


def summary_table(figures: list) -> str:
    header = ["figure", "measured", "baseline (same run)", "ratio", "target", "verdict"]
    rows = [[f.name, f.value, f.baseline, f.ratio, f.target, f.verdict] for f in figures]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> list[str]:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django
    import redis
    import uvicorn

    redis_version = redis.Redis.from_url(settings.REDIS_URL).info("server")["redis_version"]
    meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    git = shutil.which("git")
    commit = (
        subprocess.run(  # noqa: S603 - a fixed, read-only git command
            [git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if git
        else ""
    )
    return [
        f"- CPU: {len(os.sched_getaffinity(0))} cores (`nproc`), {cpu}",
        f"- Memory: {int(meminfo[1]) / 1024 / 1024:.1f} GiB",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"uvicorn {uvicorn.__version__}",
        f"- PostgreSQL {postgres}, Redis {redis_version} (both local, default configuration)",
        f"- Code: commit {commit or 'unknown'} plus the working tree at the time of the run",
    ]


NOTES_MARK = "<!-- Written by hand below this line; `make bench` keeps it. -->"


def results_markdown(
    table: str,
    args: argparse.Namespace,
    load: tuple[float, float],
    elapsed: float,
    generated: float | None,
) -> str:
    from inbox.models import Conversation, Message

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    conversations = Conversation.objects.count()
    messages = Message.objects.count()
    old = RESULTS.read_text() if RESULTS.exists() else ""
    notes = old.split(NOTES_MARK, 1)[1].strip() if NOTES_MARK in old else ""
    generation = (
        f"This run generated it in {generated:.0f} s."
        if generated is not None
        else "This run found it already there."
    )
    return f"""# Benchmark results

Measured by `make bench` on {when}. Every figure is compared with a baseline measured
in the same run on the same machine, so the ratios carry over to other machines better
than the absolute numbers do.

## Machine

{chr(10).join(machine())}
- Load average (1 min) {load[0]:.1f} at the start of the run and {load[1]:.1f} at the end:
  other work on the machine shares its two cores with the server, PostgreSQL and the
  load generator. The whole run took {elapsed / 60:.1f} min.

## Data

{conversations:,} conversations and {messages:,} messages (scale {args.scale:g}), with
contacts, identities, activities and labels, generated by `bench/generate.py`.
{generation}

## Figures

{table}

Settings of this run: webhook load {args.seconds:g} s per endpoint over
{args.connections} keep-alive connections, one uvicorn worker process; ingest of
{args.events:,} events in one process; inbox timings are medians of {args.runs} runs.

## How to reproduce

```
make bench                      # or: .venv/bin/python -m bench
.venv/bin/python -m bench --scale 0.01 --results no   # a quick smoke run
```

See `bench/README.md` for what each figure measures and the options.

{NOTES_MARK}

{notes}
"""


if __name__ == "__main__":
    sys.exit(main())
