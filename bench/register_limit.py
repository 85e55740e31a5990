"""The public register's shared rate limit (R9.2-lookup): what counting in the database costs a lookup,
against the per-process cache count it replaced, measured in the same run, in process, interleaved.

    .venv/bin/python bench/register_limit.py                       # SQLite
    .venv/bin/python bench/register_limit.py --pg postgres://postgres@127.0.0.1:5432/tancert_bench

Certificates are bulk-loaded as in bench/register.py (its `seed`). Workloads, alternating in rounds so
that the machine's load falls on both alike:
- "limit, cache": the former count (Django's local-memory cache, add + incr) alone;
- "limit, database": `lookup.allow` (one INSERT … ON CONFLICT DO UPDATE … RETURNING) alone;
- "API lookup, cache count" / "API lookup, database count": a whole public lookup by number through
  Django's test client (limit, query, log), with the former count patched in, and as built.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from register import ROOT, seed, setup_env  # noqa: E402  (bench/register.py, run as a script)

ROUNDS = 10
PER_ROUND = 100


def cache_count(address: str, minute: int) -> int:
    """The former per-process count, for comparison (lookup.py before the shared store)."""
    from django.core.cache import cache

    key = f"lookup:{address}:{minute}"
    cache.add(key, 0, timeout=90)
    return cache.incr(key)


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL URL (a database the benchmark may wipe)")
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.update(setup_env(Path(tempfile.mkdtemp(prefix="tancert-bench-")), args.pg))
    if not args.pg:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    numbers = seed(args.n)
    from django.db import connection
    from django.test import Client

    from tancert.certificates.register import lookup

    rng = random.Random(3)
    addresses = [f"198.51.100.{i}" for i in range(200)]
    client = Client()
    db_count = lookup._count

    def api_lookup(i):
        assert client.get(f"/api/v1/public/certificates/{rng.choice(numbers)}",
                          REMOTE_ADDR=addresses[i % 200]).status_code == 200

    minute = int(time.time() // 60)
    results: dict[str, list[float]] = {k: [] for k in ("limit, cache", "limit, database", "API lookup, cache count",
                                                       "API lookup, database count")}
    load = []
    for _ in range(ROUNDS):
        load.append(os.getloadavg()[0])
        results["limit, cache"] += timed(lambda i: cache_count(addresses[i % 200], minute), PER_ROUND * 10)
        results["limit, database"] += timed(lambda i: db_count(addresses[i % 200], minute), PER_ROUND * 10)
        lookup._count = cache_count
        results["API lookup, cache count"] += timed(api_lookup, PER_ROUND)
        lookup._count = db_count
        results["API lookup, database count"] += timed(api_lookup, PER_ROUND)
    print(f"{connection.vendor}, {args.n} certificates, load average {min(load):.1f}–{max(load):.1f}")
    p50 = {k: statistics.median(v) * 1000 for k, v in results.items()}
    for k, v in results.items():
        q = statistics.quantiles(v, n=20)
        print(f"{k:30s} p50 {p50[k]:8.3f} ms   p95 {q[18] * 1000:8.3f} ms   ({len(v)} calls)")
    print(f"API lookup with the database count / with the cache count (p50): "
          f"{p50['API lookup, database count'] / p50['API lookup, cache count']:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
