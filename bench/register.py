"""Public register lookup with 100,000 certificates (R9.2-lookup): latency and throughput under
16 concurrent clients from a second process, queries per lookup, against baselines measured in
the same run.

    .venv/bin/python bench/register.py                       # SQLite
    .venv/bin/python bench/register.py --pg postgres://postgres@127.0.0.1:5432/tancert_bench

Baselines in the same run, same server, same load:
- "static file": the same gunicorn serving a static file (the HTTP floor of this stack);
- "raw SQL": the indexed lookup by number through the database driver, in process (the data floor).

Benchmark data is bulk-loaded directly (one organisation, decision and 100,000 certificates);
it is not a certification record, so it does not go through the actions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_CERTS = 100_000
CLIENTS = 16
REQUESTS_PER_CLIENT = 150


def setup_env(home: Path, database_url: str | None) -> dict:
    env = dict(os.environ, TANCERT_HOME=str(home), DJANGO_SETTINGS_MODULE="tancert.settings", TANCERT_DEMO="1",
               TANCERT_LOOKUPS_PER_MINUTE="100000000", TANCERT_DEBUG="0", TANCERT_LOG_LEVEL="ERROR",
               TANCERT_ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def seed(n: int) -> list[str]:
    import django

    django.setup()
    from datetime import date, timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tancert.audits.models import Audit
    from tancert.certificates.models import Certificate, Decision
    from tancert.clients.models import Application, Organisation
    from tancert.people.models import User

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password="x")
    org = Organisation.objects.create(name="基准测试组织", credit_code="91110108551385082Q", registered_address="北京",
                                      address="北京")
    app = Application.objects.create(organisation=org, scope="范围", cms_started_on=date(2024, 1, 1), status="accepted")
    audit = Audit.objects.create(organisation=org, application=app, kind="stage2", start_date=date(2025, 1, 1),
                                 end_date=date(2025, 1, 2), auditor_days=4, planned_by=user, status="completed")
    Decision.objects.create(organisation=org, application=app, audit=audit, outcome="grant",
                            decided_by=user, decided_at=timezone.now())
    # One certificate per decision (a database constraint): the others are transfer-like, without audit.
    Decision.objects.bulk_create([Decision(organisation=org, application=app, audit=None, outcome="grant",
                                           decided_by=user, decided_at=timezone.now()) for _ in range(n - 1)],
                                 batch_size=5000)
    decisions = iter(Decision.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(7)
    numbers = [f"CEC{rng.choice([23, 24, 25, 26])}CMS{i:06d}R0" for i in range(n)]
    statuses = ["valid"] * 8 + ["suspended", "expired"]
    batch = []
    for i, number in enumerate(numbers):
        issue = date(2024, 1, 1) + timedelta(days=i % 900)
        batch.append(Certificate(
            number=number, organisation=org, decision_id=next(decisions), status=statuses[i % 10],
            organisation_name=f"测试企业{i:06d}有限公司", organisation_address="北京市", credit_code=f"9111{i:014d}"[:18],
            scope="碳管理活动", criterion="T/CCAA 39-2022", first_issue_date=issue, issue_date=issue,
            expiry_date=issue + timedelta(days=1094)))
        if len(batch) == 5000:
            Certificate.objects.bulk_create(batch)
            batch = []
    Certificate.objects.bulk_create(batch)
    return numbers


def queries_per_lookup(numbers: list[str], template: str = "/api/v1/public/certificates/{}") -> list[int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = []
    for number in numbers:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(template.format(number)).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts


def raw_sql_lookup(numbers: list[str]) -> list[float]:
    from django.db import connection

    times = []
    with connection.cursor() as cur:
        for number in numbers:
            t = time.perf_counter()
            cur.execute("SELECT number, status, organisation_name, expiry_date FROM certificates_certificate "
                        "WHERE number = %s", [number])
            cur.fetchone()
            times.append(time.perf_counter() - t)
    return times


LOADGEN = r'''
import http.client, json, random, sys, threading, time
port, paths, clients, per = int(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lat, errors = [], []
lock = threading.Lock()
def run(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine = []
    for _ in range(per):
        path = rng.choice(paths)
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            r = conn.getresponse(); r.read()
            if r.status != 200: errors.append(r.status)
        except Exception as e:
            errors.append(str(e)); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine.append(time.perf_counter() - t)
    with lock: lat.extend(mine)
start = time.perf_counter()
threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
[t.start() for t in threads]; [t.join() for t in threads]
wall = time.perf_counter() - start
print(json.dumps({"lat": lat, "wall": wall, "errors": errors[:5], "n_errors": len(errors)}))
'''


def load(port: int, paths: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", LOADGEN, str(port), json.dumps(paths), str(CLIENTS),
                          str(REQUESTS_PER_CLIENT)], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    lat = sorted(data["lat"])
    return {"p50": statistics.median(lat) * 1000, "p95": lat[int(len(lat) * 0.95)] * 1000,
            "rps": len(lat) / data["wall"], "errors": data["n_errors"], "n": len(lat)}


def serve(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "tancert.wsgi:application",
                             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                             "--worker-class", "gthread", "--log-level", "error"], env=env, cwd=str(ROOT))
    import http.client

    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/static/tancert/favicon.svg")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL URL (a database the benchmark may wipe)")
    parser.add_argument("--n", type=int, default=N_CERTS)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tancert-bench-"))
    env = setup_env(home, args.pg)
    os.environ.update(env)
    if not args.pg:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    t = time.perf_counter()
    numbers = seed(args.n)
    seeded = time.perf_counter() - t
    rng = random.Random(1)
    sample = rng.sample(numbers, 2000)
    counts = queries_per_lookup(sample[:50])
    page_counts = queries_per_lookup(sample[:50], "/register/{}/")
    raw = raw_sql_lookup(sample)
    load_before = os.getloadavg()
    proc = serve(env, args.port)
    try:
        static = load(args.port, ["/static/tancert/favicon.svg"])
        api = load(args.port, [f"/api/v1/public/certificates/{n}" for n in sample])
        page = load(args.port, [f"/register/{n}/" for n in sample])
        by_code = load(args.port, [f"/api/v1/public/certificates?q=9111{int(n[-8:-2]):014d}" for n in sample])
        by_name = load(args.port, [f"/api/v1/public/certificates?q=%E6%B5%8B%E8%AF%95%E4%BC%81%E4%B8%9A{n[-8:-2]}"
                                   for n in sample[:200]])
        # A two-character fragment (企业, in every name): below the trigram length, the scan in number order.
        by_two = load(args.port, ["/api/v1/public/certificates?q=%E4%BC%81%E4%B8%9A"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    from django.db import connection

    vendor = connection.vendor
    raw_p50 = statistics.median(raw) * 1000
    print(f"\n## Public register — {vendor}, {args.n:,} certificates (seeded in {seeded:.1f} s), "
          f"{CLIENTS} concurrent clients × {REQUESTS_PER_CLIENT} requests from a second process\n")
    print("| workload | p50 ms | p95 ms | requests/s | errors | p50 / p95 vs static floor | throughput vs floor |")
    print("|---|---|---|---|---|---|---|")
    for label, r in (("static file (HTTP floor)", static), ("API lookup by number", api),
                     ("certificate page (HTML)", page), ("API search by credit code (indexed)", by_code),
                     ("API search by name fragment (trigram index)", by_name),
                     ("API search by a two-character fragment (scan, stops at 50)", by_two)):
        print(f"| {label} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rps']:.0f} | {r['errors']} | "
              f"{r['p50'] / static['p50']:.1f}× / {r['p95'] / static['p95']:.1f}× | {r['rps'] / static['rps']:.0%} |")
    print(f"\nraw SQL lookup in process (data floor): p50 {raw_p50:.3f} ms; "
          f"API lookup p50 is {api['p50'] / raw_p50:.0f}× the data floor")
    print(f"queries per API lookup over 50 numbers: min {min(counts)}, max {max(counts)} (constant: "
          f"{min(counts) == max(counts)}); per certificate page: min {min(page_counts)}, max {max(page_counts)}")
    print(f"load average (1/5/15 min) before the HTTP runs: {' / '.join(f'{x:.1f}' for x in load_before)}; "
          f"after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs (shared machine)")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
