"""What the benchmarks share: timing, percentiles, a figure printed next to its baseline, a
fresh database, Django set up on a given database, a free port.

Importing this module sets nothing up (no Django, no database), so every ``bench_*.py`` may
import it whatever settings it chooses; the bench scripts themselves are not imported by
one another for their helpers (importing one may set Django up with its own settings).
``cityrights bench`` lists ``bench_*.py`` only, so this module is not offered as a benchmark.
"""

from __future__ import annotations

import os
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse


def median_ms(function: Callable[[], Any], repeat: int) -> float:
    """The median time of ``repeat`` calls of ``function``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def median_wall_and_cpu_ms(function: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The median wall-clock time and the median CPU time of this process over ``repeat``
    calls, in milliseconds. On a machine shared with other work the wall-clock time grows
    with the load; the CPU time is the work itself."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        function()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - start) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes, to print next to figures."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f}, {five:.1f}, {fifteen:.1f}"


def once_ms(function: Callable[[], Any]) -> float:
    """The time of one call of ``function``, in milliseconds."""
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def line(
    name: str, value: float, baseline: float, target: float | None = None, *, width: int = 44
) -> None:
    """One figure in milliseconds, its baseline of the same run and, if any, its target."""
    verdict = ""
    if target is not None:
        verdict = f"  target ≤ {target:,.0f} ms: {'met' if value <= target else 'NOT met'}"
    print(f"  {name:{width}s} {value:10.1f} ms   baseline {baseline:10.1f} ms{verdict}", flush=True)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def recreate_database(url: str) -> None:
    """Drop the database of ``url`` and create it empty (an SQLite file is removed)."""
    if url.startswith("sqlite:"):
        Path(urlparse(url).path).unlink(missing_ok=True)
        return
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, *, key_dir: str | None = None, data_dir: str | None = None) -> None:
    """Set Django up with the test settings on the database of ``url``.

    ``key_dir`` is where the signing keys go; ``data_dir`` the data folder unless the
    environment names one.
    """
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cityrights.settings.test"
    if key_dir is not None:
        os.environ["CITYRIGHTS_KEY_DIR"] = key_dir
    if data_dir is not None:
        os.environ.setdefault("CITYRIGHTS_DATA_DIR", data_dir)
    import django

    django.setup()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
