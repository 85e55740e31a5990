"""Planning through the database: the team check and the team suggestion as the plan page
runs them, with 500 auditors in the register and 5,000 booked audits, on a throwaway SQLite database.

    .venv/bin/python bench/planning_db.py [REPEATS=5]

Rows (best of REPEATS), with the queries each costs:
1. register snapshots of all 500 auditors, batched (``people.auditors.snapshots``) vs one person at
   a time (``auditor_snapshot`` in a loop — the baseline, same rules, same data);
2. full team check of a 4-person team on an audit (``audits.teamcheck.team_problems``);
3. team suggestion for an audit: snapshots + index + ranked teams + exclusions (``teamcheck.suggest``);
4. the plan page's "suggest a team" POST, rendered (Django test client, logged in as the programme manager);
5. the month grid of all 500 auditors (``audits.daygrid.month_grid``) vs a per-person loop (2 queries
   each — the baseline), and the auditors' calendar page (50 to a page), rendered.

Benchmark data is bulk-loaded directly (it is not a certification record, so it does not go through
the actions).
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta

import django
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

# A throw-away SQLite database of its own; the models are imported inside the functions, after setup.
HOME = tempfile.mkdtemp(prefix="tancert-bench-planning-")
os.environ.update(TANCERT_HOME=HOME, DJANGO_SETTINGS_MODULE="tancert.settings", TANCERT_DEMO="1", TANCERT_DEBUG="0",
                  TANCERT_ALLOWED_HOSTS="testserver")
os.environ.pop("DATABASE_URL", None)
django.setup()

AUDITORS, AUDITS = 500, 5000


def seed():
    from tancert.audits.models import Audit, AuditTeamMember
    from tancert.clients.models import Application, Organisation
    from tancert.people.models import Role, RoleGrant, User
    from tancert.people.models.auditors import (
        CcaaRegistration,
        CompetenceEvaluation,
        CpdRecord,
        Experience,
        Qualification,
        QualificationType,
    )

    call_command("migrate", verbosity=0)
    rnd = random.Random(5)
    today = date.today()
    pm = User.objects.create(username="pm", display_name="pm")
    RoleGrant.objects.create(user=pm, role=Role.PROGRAMME_MANAGER)
    users = User.objects.bulk_create([User(username=f"a{i:03d}", display_name=f"审核员{i:03d}")
                                      for i in range(AUDITORS)])
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=Role.AUDITOR) for u in users])
    ghg = QualificationType.objects.get(code="ghg-manager")
    regs, quals, exps, comps, cpds = [], [], [], [], []
    for u in users:
        regs.append(CcaaRegistration(user=u, grade=rnd.choice(["auditor", "senior", "provisional"]),
                                     number=f"N{u.pk}", valid_from=today - timedelta(days=700),
                                     valid_to=today + timedelta(days=rnd.randint(-30, 900))))
        if rnd.random() < 0.5:
            quals.append(Qualification(user=u, type=ghg, issuer="x", number=f"G{u.pk}",
                                       valid_from=today - timedelta(days=300), valid_to=today + timedelta(days=900)))
        exps.append(Experience(user=u, field="carbon", employer="x", started_on=today - timedelta(days=3000)))
        comps.append(CompetenceEvaluation(user=u, kind="cms", evaluated_on=today, evaluator="x", evidence="x"))
        for area in rnd.sample(range(1, 22), rnd.randint(1, 4)):
            comps.append(CompetenceEvaluation(user=u, kind="area", area=area, function="auditor", evaluated_on=today,
                                              evaluator="x", evidence="x"))
        if rnd.random() < 0.35:
            comps.append(CompetenceEvaluation(user=u, kind="area", area=7, function="team_leader",
                                              evaluated_on=today, evaluator="x", evidence="x"))
        if rnd.random() < 0.9:
            cpds.append(CpdRecord(user=u, year=today.year, content="x", hours=24, completed_on=today))
    for model, rows in ((CcaaRegistration, regs), (Qualification, quals), (Experience, exps),
                        (CompetenceEvaluation, comps), (CpdRecord, cpds)):
        model.objects.bulk_create(rows)
    org = Organisation.objects.create(name="基准组织", credit_code="91110108MA0BENCH0X", registered_address="x",
                                      address="x", employees=300, technical_areas=["7"])
    other = Organisation.objects.create(name="其他组织", credit_code="91110108MA0OTHER0X", registered_address="x",
                                        address="x", employees=300, technical_areas=["7"])
    app = Application.objects.create(organisation=org, scope="x", cms_started_on=today - timedelta(days=400),
                                     status="accepted")
    audits = Audit.objects.bulk_create([Audit(
        organisation=other, kind="surveillance", start_date=(d := today + timedelta(days=rnd.randint(-200, 200))),
        end_date=d + timedelta(days=rnd.randint(0, 2)), auditor_days=2, planned_by=pm) for _ in range(AUDITS)])
    AuditTeamMember.objects.bulk_create([AuditTeamMember(audit=a, user=u, role="auditor") for a in audits
                                         for u in rnd.sample(users, 3)])
    return pm, org, app, users


def _naive_month_row(user, month):
    """The baseline for the month grid: what a view written per person would do (2 queries each)."""
    from tancert.audits.models import AuditTeamMember
    from tancert.audits.programme import daygrid
    from tancert.people.models.auditors import Unavailability

    days = daygrid.month_days(month)
    audits = [m.audit for m in AuditTeamMember.objects.filter(user=user, audit__start_date__lte=days[-1],
                                                              audit__end_date__gte=days[0]).select_related("audit")]
    away = list(Unavailability.objects.filter(user=user, starts_on__lte=days[-1], ends_on__gte=days[0]))
    return [(d, [a for a in audits if a.start_date <= d <= a.end_date],
             any(u.starts_on <= d <= u.ends_on for u in away)) for d in days]


def best(fn, repeats):
    times, result, queries = [], None, 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
        queries = len(q.captured_queries)
    return min(times), queries, result


def main(repeats: int = 5) -> None:
    from django.test import Client

    from tancert.audits.programme import daygrid, teamcheck
    from tancert.audits.programme.bookings import auditor_snapshot, snapshots
    from tancert.people.auditors.snapshots import register_people

    pm, org, app, users = seed()
    start = date.today() + timedelta(days=30)
    need = teamcheck.need_for(org, start=start, end=start + timedelta(days=1), auditor_days=3)
    people = list(register_people())
    rows = []
    t, q, _r = best(lambda: snapshots(people), repeats)
    tb, qb, _r = best(lambda: [auditor_snapshot(u) for u in people], max(1, repeats // 2))
    rows.append(("register snapshots, 500 auditors", t, q, f"one at a time: {tb * 1000:.0f} ms, {qb} queries"))
    team = [(users[0], "leader"), (users[1], "auditor"), (users[2], "auditor"), (users[3], "auditor")]
    t, q, _r = best(lambda: teamcheck.team_problems(need, team), repeats)
    rows.append(("team check, 4 people", t, q, ""))
    t, q, (s, _p) = best(lambda: teamcheck.suggest(need), repeats)
    rows.append((f"team suggestion ({len(s.teams)} teams, {len(s.excluded)} exclusions)", t, q, ""))
    c = Client()
    c.force_login(pm)
    data = {"kind": "stage1", "start_date": start.isoformat(), "end_date": (start + timedelta(days=1)).isoformat(),
            "auditor_days": "3", "method": "FS01", "suggest": "1"}
    t, q, r = best(lambda: c.post(f"/applications/{app.pk}/plan/", data), repeats)
    assert r.status_code == 200, r.status_code
    rows.append(("plan page 'suggest a team', rendered", t, q, ""))
    month = start.replace(day=1)
    t, q, _r = best(lambda: daygrid.month_grid(people, month), repeats)
    tb, qb, _r = best(lambda: [_naive_month_row(u, month) for u in people], max(1, repeats // 2))
    rows.append(("month grid, 500 auditors × 1 month", t, q, f"per person, 2 queries each: {tb * 1000:.0f} ms, "
                 f"{qb} queries"))
    t, q, r = best(lambda: c.get("/audits/calendar/auditors/", {"month": month.strftime("%Y-%m")}), repeats)
    assert r.status_code == 200, r.status_code
    rows.append(("auditors' calendar page (50 people), rendered", t, q, ""))
    print(f"register: {AUDITORS} auditors, {AUDITS} audits booked ({AUDITS * 3} assignments); best of {repeats}")
    for name, t, q, base in rows:
        print(f"| {name} | {t * 1000:.0f} ms | {q} queries | {base} |")


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
