"""Run one action from several threads at the same moment, each on its own database connection — what
several people (or one impatient double click) do at once. Used by the race tests (docs/architecture.md,
"The action layer": a check that decides whether to create something holds on the locked row and has a
database constraint behind it)."""

from __future__ import annotations

import threading

from django.db import connections

from tancert.scheme.violations import RuleViolation


def race(action, n: int = 4) -> tuple[list, list[RuleViolation], list[BaseException]]:
    """Call ``action()`` from ``n`` threads released together; returns (results, rule violations, other errors)."""
    barrier = threading.Barrier(n)
    results, refused, crashed = [], [], []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait(timeout=30)
            out = action()
            with lock:
                results.append(out)
        except RuleViolation as v:
            with lock:
                refused.append(v)
        except BaseException as e:  # noqa: BLE001 - a crash is what the test looks for
            with lock:
                crashed.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, refused, crashed
