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

Certificate names are varied like a real register's: a place (49 provinces and cities), a trade name of
2–4 characters drawn from 303 syllables, an industry word (29) and a legal form (有限公司, 股份有限公司, …),
all deterministic from the row number (`name_of`, and the same choice in SQL in one INSERT … SELECT).
Until December 2026 every name was 测试企业<digits>有限公司: every trigram of the prefix was in every row, so
no index could narrow a name search and the measurements said nothing about a real register. The name
searches measured: a distinctive 3–6-character fragment (trade name and the start of the industry word: the
trigram index), a rare two-character fragment (the first two trade-name syllables: the bigram index) and a
common one (有限, in every name: the scan in number order that stops at 50).
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
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
N_CERTS = 100_000
CLIENTS = 16
# Every workload is measured for the same time, long enough that a passing hiccup of a shared machine (a flush, a
# checkpoint, another process) weighs on each alike. Until December 2026 each client sent 150 requests: the static
# file's whole run then lasted one second, the page's three, and the floor's p95 moved between 8 and 13 ms from one
# run to the next.
SECONDS = 5.0
ROUNDS = 5  # turns each workload's time is cut into, taken in order with the others' (`measure`)
PAGE_SAMPLE = 12_000  # certificates whose pages are asked for: more than the page's run reaches, each asked once


PLACES = ("北京上海天津重庆河北山西辽宁吉林江苏浙江安徽福建江西山东河南湖北湖南广东广西海南四川贵州云南陕西甘肃青海宁夏新疆"
          "南京苏州杭州宁波广州深圳武汉成都西安青岛大连厦门长沙郑州济南沈阳合肥昆明南昌唐山包头")  # two characters each
INDUSTRIES = "化工钢铁建材能源电力水泥玻璃造纸纺织印染机械电子汽车物流食品医药塑料橡胶陶瓷冶金矿业环保科技材料燃气热力航空船舶农业"
SYLLABLES = ("华中国金鑫泰宏盛瑞祥丰源达通恒兴隆鼎安康信诚德远新宇光明海天星辰龙凤博创卓越志腾飞跃嘉禾润泽丽雅美佳乐福寿喜旺发"
             "财富贵荣昌茂永久长青松柏竹梅兰菊桂林森山川江河湖泉溪峰岭岩石玉珠宝晶钻银铜锦绣彩虹云霞雪霜露阳春夏秋冬东南西北正大"
             "方圆广厚立成功胜利凯旋豪杰英雄俊秀聪慧智能精工巧艺匠心诺言承合和顺亨畅捷迅速敏锐锋剑盾甲乙丙丁戊己庚辛壬癸子丑寅卯"
             "巳午未申酉戌亥仁义礼勇毅坚强健壮伟奇妙逸致航舟帆港湾岛屿洲际环球寰宙乾坤震巽坎离艮兑晨曦朝旭辉煌灿烂炫耀晖晟昊昕曜"
             "晓暄旻昶晔煜炜烨焕炎焱燊淼垚磊犇骉羴赟鹏鹤鹰雁燕鸿鸣凰麟骏驰骐骥韵律琴瑟笙箫鼓钟磬笛悦怡欣慰愉舒适宁静谧幽深邃渊睿哲"
             "思维意拓展开疆域领导向标杆榜样楷模范")
FORMS = ("有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "科技有限公司")
HASH = 2654435761  # Knuth's multiplicative hash: the row number's syllables look random, and stay deterministic


def _parts(i: int) -> tuple[int, int, int, int, int, int, int]:
    h = (i * HASH) % 2**32
    k = len(SYLLABLES)
    return (i % (len(PLACES) // 2), h % k, h // k % k, h // k**2 % k, h // k**3 % 3 + 2,
            (i * 7) % (len(INDUSTRIES) // 2), (i * 13) % 23 % len(FORMS))


def name_of(i: int) -> tuple[str, str]:
    """The i-th benchmark certificate's organisation name and its trade name."""
    place, a, b, c, length, industry, form = _parts(i)
    trade = "".join(SYLLABLES[x] for x in (a, b, c)) + (SYLLABLES[(a + c) % len(SYLLABLES)] if length == 4 else "")
    trade = trade[:length]
    return (PLACES[2 * place:2 * place + 2] + trade + INDUSTRIES[2 * industry:2 * industry + 2] + FORMS[form], trade)


def name_sql() -> str:
    """`name_of(i)` as an SQL expression of i (the same on SQLite and PostgreSQL: substr, %, integer /)."""
    k = len(SYLLABLES)
    h = f"((i * {HASH}) % 4294967296)"
    syl = lambda e: f"substr('{SYLLABLES}', CAST(({e}) + 1 AS INTEGER), 1)"  # noqa: E731 (PostgreSQL: int, not bigint)
    length = f"({h} / {k ** 3} % 3 + 2)"
    forms = " ".join(f"WHEN {n} THEN '{f}'" for n, f in enumerate(FORMS))
    return (f"substr('{PLACES}', 2 * (i % {len(PLACES) // 2}) + 1, 2) || {syl(f'{h} % {k}')} || {syl(f'{h} / {k} % {k}')}"
            f" || CASE WHEN {length} >= 3 THEN {syl(f'{h} / {k ** 2} % {k}')} ELSE '' END"
            f" || CASE WHEN {length} = 4 THEN {syl(f'({h} % {k} + {h} / {k ** 2} % {k}) % {k}')} ELSE '' END"
            f" || substr('{INDUSTRIES}', 2 * ((i * 7) % {len(INDUSTRIES) // 2}) + 1, 2)"
            f" || CASE (i * 13) % 23 % {len(FORMS)} {forms} END")


def setup_env(home: Path, database_url: str | None) -> dict:
    env = dict(os.environ, TANCERT_HOME=str(home), DJANGO_SETTINGS_MODULE="tancert.settings", TANCERT_DEMO="1",
               TANCERT_LOOKUPS_PER_MINUTE="100000000", TANCERT_DEBUG="0", TANCERT_LOG_LEVEL="ERROR",
               TANCERT_ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
    if database_url:
        env["DATABASE_URL"] = database_url
        create_database(database_url)
    else:
        env.pop("DATABASE_URL", None)
    return env


def create_database(database_url: str) -> None:
    """Creates the --pg database when it does not exist yet (through the server's `postgres` database)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    url = urlsplit(database_url)
    name = url.path.lstrip("/")
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def seed(n: int) -> list[str]:
    import django

    django.setup()
    from datetime import date

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
    # One certificate per decision (a database constraint): the others are transfer-like, without audit. The rows
    # are generated by the database in one INSERT … SELECT each (a million in tens of seconds, not tens of minutes
    # of ORM objects); every column not varied here gets the value Django would store for the template object.
    d0 = Decision.objects.get().pk
    insert_series(Decision(organisation=org, application=app, audit=None, outcome="grant", decided_by=user,
                           decided_at=timezone.now()), n - 1, {})
    first = Decision.objects.filter(audit=None).order_by("pk").values_list("pk", flat=True).first()
    assert Decision.objects.filter(audit=None, pk__gte=first, pk__lt=first + n - 1).count() == n - 1
    sqlite = connection.vendor == "sqlite"
    pad = (lambda w: f"printf('%0{w}d', i)") if sqlite else (lambda w: f"lpad(i::text, {w}, '0')")
    day = (lambda e: f"date('2024-01-01', '+' || ({e}) || ' days')") if sqlite else (
        lambda e: f"(DATE '2024-01-01' + ({e}))")
    template = Certificate(number="-", organisation=org, decision_id=d0, status="valid", organisation_name="-",
                           organisation_address="北京市", credit_code="-", scope="碳管理活动", criterion="T/CCAA 39-2022",
                           first_issue_date=date(2024, 1, 1), issue_date=date(2024, 1, 1),
                           expiry_date=date(2024, 1, 1))
    bigrams = import_module("tancert.certificates.migrations.0019_register_bigrams")
    trigrams = import_module("tancert.certificates.migrations.0018_register_name_index")
    insert_triggers = []
    # The name indexes are built once after the load instead of a trigger or an index insertion per row:
    # SQLite's FTS5 table (migration 0018) and bigram side table (0019), PostgreSQL's two GIN indexes.
    with connection.cursor() as cur:
        if sqlite:
            for trigger in ("certificate_name_fts_insert", "certificate_name_bigram_insert"):
                cur.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [trigger])
                insert_triggers.append(cur.fetchone()[0])
                cur.execute(f"DROP TRIGGER {trigger}")
        else:
            cur.execute("DROP INDEX IF EXISTS certificate_name_trgm")
            cur.execute("DROP INDEX IF EXISTS certificate_name_bigrams")
    insert_series(template, n, {
        "number": f"'CEC' || (23 + i % 4) || 'CMS' || {pad(6)} || 'R0'",
        "decision_id": f"CASE WHEN i = 0 THEN {d0} ELSE {first} + i - 1 END",
        "status": "CASE i % 10 WHEN 8 THEN 'suspended' WHEN 9 THEN 'expired' ELSE 'valid' END",
        "organisation_name": name_sql(),
        "credit_code": f"'9111' || {pad(14)}",
        "first_issue_date": day("i % 900"), "issue_date": day("i % 900"), "expiry_date": day("i % 900 + 1094"),
    })
    with connection.cursor() as cur:
        if sqlite:
            for trigger in insert_triggers:
                cur.execute(trigger)
            cur.execute("INSERT INTO certificates_certificate_name_fts(certificates_certificate_name_fts) "
                        "VALUES ('rebuild')")
            cur.execute(bigrams.REBUILD)
        else:
            cur.execute(trigrams.PG_INDEX)
            cur.execute(bigrams.PG_UP[1])
    with connection.cursor() as cur:  # planner statistics after the bulk load, as autovacuum would gather them
        # PostgreSQL: VACUUM too, as autovacuum does after a bulk insert. Without it the first read of each row sets
        # its hint bits (a page write) and no index-only scan skips the heap: the first run after a seeding measured
        # the lookup at 2.1× the floor and the page at 5.1×, against 1.6× and 2.4–3.4× in runs on a vacuumed table.
        cur.execute("ANALYZE" if sqlite else "VACUUM (ANALYZE)")
    numbers = [f"CEC{23 + i % 4}CMS{i:06d}R0" for i in range(n)]
    assert Certificate.objects.count() == n and Certificate.objects.filter(number=numbers[-1]).exists()
    for i in (0, 1, 2, n // 3, n - 1):  # the SQL names are name_of's
        assert Certificate.objects.get(number=numbers[i]).organisation_name == name_of(i)[0], i
    return numbers


def insert_series(template, n: int, varying: dict[str, str]) -> None:
    """INSERT n rows of the template's model in one statement; `varying` gives SQL expressions of the row
    number `i` (0 … n-1) for some columns, every other column is the template's value as Django stores it."""
    from django.db import connection

    model = type(template)
    cols, exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        cols.append(connection.ops.quote_name(field.column))
        if field.attname in varying:
            exprs.append(varying[field.attname].replace("%", "%%"))  # the SQL goes with parameters
        else:
            exprs.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(template, True), connection))
    table = connection.ops.quote_name(model._meta.db_table)
    select = f"SELECT {', '.join(exprs)} FROM s"
    if connection.vendor == "sqlite":
        sql = (f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < {int(n)}) "
               f"INSERT INTO {table} ({', '.join(cols)}) {select}")
    else:
        sql = f"INSERT INTO {table} ({', '.join(cols)}) {select.replace('FROM s', f'FROM generate_series(0, {int(n) - 1}) AS s(i)')}"
    with connection.cursor() as cur:
        cur.execute(sql, params)


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
port, clients, seconds, mode = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
paths = json.load(sys.stdin)
lat, errors = [], []
lock = threading.Lock()
def run(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine = paths[seed::clients] if mode == "once" else None  # this client's share, each path once
    count, mine_lat = 0, []
    while time.perf_counter() < deadline:
        if mine is not None and count == len(mine):
            break
        path = mine[count] if mine is not None else rng.choice(paths)
        count += 1
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            r = conn.getresponse(); r.read()
            if r.status != 200: errors.append(r.status)
        except Exception as e:
            errors.append(str(e)); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine_lat.append(time.perf_counter() - t)
    with lock: lat.extend(mine_lat)
start = time.perf_counter()
deadline = start + seconds
threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
[t.start() for t in threads]; [t.join() for t in threads]
wall = time.perf_counter() - start
print(json.dumps({"lat": lat, "wall": wall, "errors": errors[:5], "n_errors": len(errors)}))
'''


def _drive(port: int, paths: list[str], seconds: float, once: bool) -> dict:
    """CLIENTS clients for `seconds`, each sending its next request when the last is answered: a path drawn at
    random, or (`once`) the next of its share of `paths`, none asked twice — a certificate's page then comes from
    the page cache only when the benchmark says so. The latencies, the wall time and the errors."""
    out = subprocess.run([sys.executable, "-c", LOADGEN, str(port), str(CLIENTS), str(seconds),
                          "once" if once else "random"], input=json.dumps(paths), capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def _summary(lat: list[float], wall: float, errors: int) -> dict:
    lat = sorted(lat)
    return {"p50": statistics.median(lat) * 1000, "p95": lat[int(len(lat) * 0.95)] * 1000,
            "rps": len(lat) / wall, "errors": errors, "n": len(lat)}


def load(port: int, paths: list[str], seconds: float = SECONDS, *, once: bool = False) -> dict:
    data = _drive(port, paths, seconds, once)
    return _summary(data["lat"], data["wall"], data["n_errors"])


def measure(port: int, workloads: dict[str, tuple[list[str], bool]]) -> dict[str, dict]:
    """Each workload `(paths, once)` for SECONDS in all, in ROUNDS turns taken in order: the static file, then each
    workload, then again. A slow spell of a shared machine (a flush, a checkpoint, another process) then falls on
    every workload alike instead of on the one that happened to run then; until December 2026 each ran its whole
    time in one go, and one run's ratios differed from the next run's by a third. A workload `once` takes another
    share of its paths in each turn."""
    lat = {label: [] for label in workloads}
    wall = dict.fromkeys(workloads, 0.0)
    errors = dict.fromkeys(workloads, 0)
    for turn in range(ROUNDS):
        for label, (paths, once) in workloads.items():
            share = paths[turn::ROUNDS] if once else paths
            data = _drive(port, share, SECONDS / ROUNDS, once)
            if once and len(data["lat"]) >= len(share):
                raise RuntimeError("the sample ran out before the time did: raise PAGE_SAMPLE")
            lat[label] += data["lat"]
            wall[label] += data["wall"]
            errors[label] += data["n_errors"]
    return {label: _summary(lat[label], wall[label], errors[label]) for label in workloads}


def serve(env: dict, port: int) -> subprocess.Popen:
    """The production server as `tancert serve` starts it (web/management/commands/serve.py: sync workers, two per
    core plus one, access log on), its log thrown away. Before, the benchmark ran 2 workers × 4 threads: threads
    of one worker wait for each other's interpreter lock, at every system call (a CSRF token is 64 of them), which
    the public page paid for in its tail latency and production never does (docs/performance.md)."""
    from tancert.web.management.commands.serve import gunicorn_argv

    proc = subprocess.Popen(gunicorn_argv(port=port), env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
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
    parser.add_argument("--reuse", action="store_true", help="keep the database an earlier run seeded (--pg)")
    parser.add_argument("--skip-short", action="store_true", help="leave out the common two-character fragment")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tancert-bench-"))
    env = setup_env(home, args.pg)
    os.environ.update(env)
    if not args.pg:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    t = time.perf_counter()
    if args.reuse:  # the database seeded by an earlier run with the same --n (numbers are deterministic)
        import django

        django.setup()
        numbers = [f"CEC{23 + i % 4}CMS{i:06d}R0" for i in range(args.n)]
    else:
        numbers = seed(args.n)
    seeded = time.perf_counter() - t
    rng = random.Random(1)
    picked = rng.sample(range(len(numbers)), min(PAGE_SAMPLE, len(numbers)))
    sample = [numbers[i] for i in picked[:2000]]
    pages = [f"/register/{numbers[i]}/" for i in picked]  # each asked for once: first visits
    api_q = "/api/v1/public/certificates?q="
    # A distinctive fragment: the trade name and the first character of the industry word (3–5 characters).
    distinctive = [api_q + quote(name_of(i)[1] + name_of(i)[0][2 + len(name_of(i)[1])]) for i in picked[:200]]
    rare_two = [api_q + quote(name_of(i)[1][:2]) for i in picked[:200]]  # the first two trade-name syllables
    common_two = [api_q + quote("有限")]
    counts = queries_per_lookup(sample[:50])
    page_counts = queries_per_lookup(sample[:50], "/register/{}/")
    raw = raw_sql_lookup(sample)
    load_before = os.getloadavg()
    proc = serve(env, args.port)
    try:
        # Warm-up, not measured: every worker and thread opens its connection and compiles its queries.
        load(args.port, ["/static/tancert/favicon.svg", *(f"/api/v1/public/certificates/{n}" for n in sample[:20]),
                         *(f"/api/v1/public/certificates/{n}?via=stack" for n in sample[:20]),
                         *(f"/register/{n}/" for n in sample[:20]),
                         *(f"/api/v1/public/certificates?q=9111{int(n[-8:-2]):014d}" for n in sample[:20]),
                         *distinctive[:20], *rare_two[:20], *common_two], seconds=2)
        # The sample's rows into the database's caches (through the whole stack, so no page is rendered and kept):
        # otherwise the first workload to meet them, the lookup by number, pays for reading them from disk.
        load(args.port, [f"/api/v1/public/certificates/{p.split('/')[2]}?via=stack" for p in pages], seconds=600,
             once=True)
        workloads = {
            "static": (["/static/tancert/favicon.svg"], False),
            "api": ([f"/api/v1/public/certificates/{n}" for n in sample], False),
            # Any other query parameter sends the lookup through the whole middleware stack (api/fastpath.py).
            "api_stack": ([f"/api/v1/public/certificates/{n}?via=stack" for n in sample], False),
            "page": (pages[20:], True),  # not the warm-up's pages, which are cached
            "by_code": ([f"/api/v1/public/certificates?q=9111{int(n[-8:-2]):014d}" for n in sample], False),
            "by_name": (distinctive, False),
            "by_rare_two": (rare_two, False),
        }
        if not args.skip_short:  # a common two-character fragment (有限, in every name): the scan, stops at 50
            workloads["by_two"] = (common_two, False)
        results = measure(args.port, workloads)
    finally:
        proc.terminate()
        try:  # a loaded machine may take longer to write the workers' waiting lookup log rows
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    from django.db import connection

    vendor = connection.vendor
    raw_p50 = statistics.median(raw) * 1000
    print(f"\n## Public register — {vendor}, {args.n:,} certificates (seeded in {seeded:.1f} s), "
          f"{CLIENTS} concurrent clients for {SECONDS:.0f} s per workload in {ROUNDS} turns, from a second process\n")
    print("| workload | p50 ms | p95 ms | requests/s | errors | p50 / p95 vs static floor | throughput vs floor |")
    print("|---|---|---|---|---|---|---|")
    static, api = results["static"], results["api"]
    for key, label in (("static", "static file (HTTP floor)"), ("api", "API lookup by number"),
                       ("api_stack", "API lookup by number through the whole middleware stack"),
                       ("page", "certificate page (HTML)"), ("by_code", "API search by credit code (indexed)"),
                       ("by_name", "API search by name fragment (trigram index)"),
                       ("by_rare_two", "API search by a rare two-character fragment (bigram index)"),
                       ("by_two", "API search by a common two-character fragment (有限: scan, stops at 50)")):
        if key not in results:
            continue
        r = results[key]
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
