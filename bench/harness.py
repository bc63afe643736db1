"""What every benchmark in bench/ shares: a throwaway data directory, a description of
the machine and the commit, number formats, and its section of docs/benchmarks.md."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Each benchmark lives in `bench/`, prints its figures beside a baseline measured
in the same run, and writes its section here.
"""


def configure(database_url: str | None) -> Path:
    """Point knotwork at a temporary data directory (and database) before Django starts."""
    data_dir = Path(tempfile.mkdtemp(prefix="knotwork-bench-"))
    os.environ["KNOTWORK_DATA_DIR"] = str(data_dir)
    os.environ["SECRET_KEY"] = "benchmark-only-key-not-used-for-anything-else"
    os.environ["ALLOWED_HOSTS"] = "localhost"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("DEBUG", None)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "knotwork.settings"
    import django

    django.setup()
    return data_dir


def cpu() -> str:
    name = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        name = names[0] if names else name
    return name


def database_engine() -> str:
    """The database Django is connected to, with its version."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("show server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]} (file, WAL)"


def machine(*parts: str) -> str:
    """Cores, CPU, Python, the given parts (engine, library versions) and the kernel."""
    middle = "".join(f", {part}" for part in parts)
    return (
        f"{os.cpu_count()} cores ({cpu()}), Python {platform.python_version()}{middle}, "
        f"{platform.system()} {platform.release()}"
    )


def commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return found.stdout.strip() or "unknown"


def seconds(value: float) -> str:
    return f"{value:,.1f} s" if value >= 10 else f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def write_docs(name: str, vendor: str, section: str, block: str, path: Path = DOCS) -> None:
    """Put ``block`` between ``<!-- name:vendor -->`` markers in docs/benchmarks.md.

    ``section`` is the benchmark's heading and introduction, added once; a new
    engine's block goes at the end of the benchmark's own section.
    """
    text = path.read_text() if path.exists() else HEADER
    heading = f"bench/{name}.py`)"
    if heading not in text:
        text = text.rstrip("\n") + "\n" + section
    start, end = f"<!-- {name}:{vendor} -->", f"<!-- /{name}:{vendor} -->"
    fenced = f"{start}\n{block}{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + fenced + text[text.index(end) + len(end) :]
    else:
        following = text.find("\n## ", text.index(heading))
        if following == -1:
            text = text.rstrip("\n") + "\n\n" + fenced + "\n"
        else:
            text = text[:following].rstrip("\n") + "\n\n" + fenced + "\n" + text[following:]
    path.write_text(text)


def page_bench_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every page benchmark takes: demo size, database, requests, output."""
    parser.add_argument("--pupils", type=int, default=130_000)
    parser.add_argument(
        "--database-url", help="postgres://... (an empty database); SQLite if unset"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests a page")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the pages that miss the goal"
    )
    parser.add_argument("--no-docs", action="store_true", help="only print the figures")
    parser.add_argument(
        "--keep-data", action="store_true", help="keep the temporary data directory"
    )


def run_facts() -> dict[str, str]:
    """What every report states of its run: the engine, the day, the machine and the commit
    (call once Django is set up)."""
    from django.db import connection

    return {
        "engine_name": "PostgreSQL" if connection.vendor == "postgresql" else "SQLite",
        "date": datetime.date.today().isoformat(),
        "machine": machine(database_engine()),
        "commit": commit(),
    }


def finish(
    args: argparse.Namespace,
    *,
    name: str,
    section: str,
    block: str,
    data_dir: Path,
    profiles: list[tuple[Any, str]] | None = None,
) -> None:
    """Print the profiles and the figures, write them to docs/benchmarks.md (unless
    ``--no-docs``) and remove the data directory (unless ``--keep-data``)."""
    from django.db import connection

    for page, text in profiles or []:
        print(f"\n--- cProfile: {page.name} as {page.user.username} ---\n{text}", file=sys.stderr)
    print()
    print(block)
    if not args.no_docs:
        write_docs(name, connection.vendor, section, block)
        print(f"Written to {DOCS.relative_to(ROOT)}", file=sys.stderr)
    if args.keep_data:
        print(f"Data kept in {data_dir}", file=sys.stderr)
    else:
        connection.close()
        shutil.rmtree(data_dir)
