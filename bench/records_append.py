"""The cost of signing records: one committed append, and verifying the whole chain, before and after
(docs/performance.md, Records).

    .venv/bin/python bench/records_append.py [APPENDS=2000] [ROUNDS=5]
    .venv/bin/python bench/records_append.py 2000 5 --pg postgres://postgres@127.0.0.1:5432/tancert_records_bench

A throwaway database (SQLite in a temporary TANCERT_HOME, or the PostgreSQL database given, which the
benchmark wipes). Each append is its own transaction, as an action's is. Measured in the same run,
alternating round by round:
- "before": the hash chain only (signature and checkpoint switched off — the code before signing);
- "signed": plus the Ed25519 signature over the hash;
- "after": plus the signed checkpoint appended to the file at commit (as built).
Then `verify` over the whole chain with and without the signature and checkpoint checks.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from unittest import mock

import django
from django.core.management import call_command
from django.db import connection, transaction

# A throw-away home of its own; the records modules are imported after setup.
HOME = tempfile.mkdtemp(prefix="tancert-bench-records-")
os.environ.update(TANCERT_HOME=HOME, DJANGO_SETTINGS_MODULE="tancert.settings", TANCERT_DEBUG="0",
                  TANCERT_ALLOWED_HOSTS="testserver")
ARGS = sys.argv[1:]
if "--pg" in ARGS:
    at = ARGS.index("--pg")
    os.environ["DATABASE_URL"] = ARGS[at + 1]
    del ARGS[at:at + 2]
else:
    os.environ.pop("DATABASE_URL", None)
django.setup()

APPENDS = int(ARGS[0]) if ARGS else 2000
ROUNDS = int(ARGS[1]) if len(ARGS) > 1 else 5
MODES = ("before", "signed", "after")


@contextmanager
def mode(name: str):
    """Switch off what `name` does not include: "before" is the hash chain as it was."""
    from tancert.records import checkpoints, keys

    patches = []
    if name == "before":
        patches.append(mock.patch.object(keys, "sign_event", lambda h: ("", "")))
    if name in ("before", "signed"):
        patches.append(mock.patch.object(checkpoints, "write", lambda seq, head: None))
    if name == "hash-only verify":
        patches.append(mock.patch.object(keys, "event_signature_valid", lambda h, s, k: True))
        patches.append(mock.patch.object(checkpoints, "read",
                                          lambda: checkpoints.Reading([], exists=False)))
    for p in patches:
        p.start()
    try:
        yield
    finally:
        for p in patches:
            p.stop()


def appends(name: str, n: int) -> float:
    from tancert.records import chain

    with mode(name):
        start = time.perf_counter()
        for i in range(n):
            with transaction.atomic():  # one transaction each, as an action's
                chain.append("bench.event", subject=("thing", i), by=None, summary=f"基准事件 {i}",
                             data={"i": i, "mode": name})
        return (time.perf_counter() - start) / n


def verify_time(name: str) -> tuple[float, int]:
    from tancert.records import chain

    best, count = float("inf"), 0
    for _ in range(3):
        with mode(name):
            start = time.perf_counter()
            result = chain.verify()
            best = min(best, time.perf_counter() - start)
        assert result.ok, result.reason
        count = result.count
    return best, count


def empty_records() -> None:
    from importlib import import_module

    triggers = import_module("tancert.records.migrations.0002_append_only_triggers")
    with connection.cursor() as cur:
        for sql in triggers.statements(connection.vendor, drop=True):
            cur.execute(sql)
        cur.execute("DELETE FROM records_event")
        for sql in triggers.statements(connection.vendor):
            cur.execute(sql)


def main() -> None:
    from tancert.records import checkpoints, keys

    call_command("migrate", verbosity=0)
    empty_records()
    keys.private_key()  # created once, outside the timings
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    # Verify first, over a chain written as built (signatures and checkpoints).
    appends("after", APPENDS)
    plain, count = verify_time("hash-only verify")
    full, _ = verify_time("full")
    print(f"verify {count} events: hash chain only (before) {plain:.3f} s; with signatures and "
          f"{count} checkpoints (after) {full:.3f} s — {full / plain:.2f}×, {(full - plain) / count * 1e6:.0f} µs "
          "more per event")
    print(f"checkpoint file: {checkpoints.path().stat().st_size / count:.0f} bytes per checkpoint")
    print(f"append, one transaction each, {APPENDS} per mode and round, {ROUNDS} rounds alternating:")
    times = {m: [] for m in MODES}
    for _ in range(ROUNDS):
        for m in MODES:
            times[m].append(appends(m, APPENDS))
    base_best, base_med = min(times["before"]), statistics.median(times["before"])
    print(f"  {'mode':8} {'best µs':>8} {'median µs':>10}  × before (best / median)")
    for m, ts in times.items():
        best, med = min(ts), statistics.median(ts)
        print(f"  {m:8} {best * 1e6:8.0f} {med * 1e6:10.0f}  {best / base_best:.2f} / {med / base_med:.2f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        if connection.vendor == "postgresql":
            empty_records()
        shutil.rmtree(HOME, ignore_errors=True)
