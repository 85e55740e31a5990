"""The transparency log's proofs at size (docs/verify.md): tree root, inclusion proof and consistency proof
over N leaf hashes, pure functions (no database), against the baseline of hashing the N leaves once (the
least any root costs) in the same run.

    .venv/bin/python bench/transparency.py [--n 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tancert.settings")
os.environ.setdefault("TANCERT_DEMO", "1")

import django  # noqa: E402

django.setup()

from tancert.records import transparency as t  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    leaves = [str(i).encode() for i in range(args.n)]
    hashes = [t.leaf_hash(x) for x in leaves]
    work = {"baseline: hash N leaves": lambda: [t.leaf_hash(x) for x in leaves],
            "tree root": lambda: t.root(hashes),
            "inclusion proof": lambda: t.inclusion_path(args.n // 2 + 1, hashes),
            "consistency proof": lambda: t.consistency_path(args.n * 3 // 4 + 1, hashes)}
    print(f"N = {args.n}, load average {os.getloadavg()[0]:.1f}")
    for name, fn in work.items():
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:28s} median {statistics.median(times):8.1f} ms")


if __name__ == "__main__":
    main()
