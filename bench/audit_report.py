"""Carbon data verification and the audit report: what the platform adds on top of the engine.

    .venv/bin/python bench/audit_report.py [--repeat 5]

For the worked example (56 activity records, 18 sampled) on a fresh SQLite database, median of
--repeat runs, each against its baseline measured in the same run:
- upload_inventory (engine + file storage + record chain) vs the engine's check() on the same bytes;
- freeze_figures (file re-read, SHA-256 check, engine, ghg.freeze, record) vs ghg.freeze(check()) alone;
- sign_report (content, charts, PDF/A with the CJK font, storage, record) vs html_to_pdf of the same
  report HTML alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tancert-bench-report-"))
    os.environ.update(TANCERT_HOME=str(home), DJANGO_SETTINGS_MODULE="tancert.settings", TANCERT_DEMO="1")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "tests"))  # the lifecycle helpers of the tests (always through the actions)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(home / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)

    from tancert.audits import actions as audits
    from tancert.audits.carbon import actions as carbon
    from tancert.audits.models import Audit
    from tancert.audits.report import actions as report
    from tancert.ghg import freeze
    from tancert.ghg.example import example_dataset
    from tancert.pdfkit import html_to_pdf
    from tancert.people.actions import create_staff_user
    from tancert.people.models import Role

    from flow import accept_and_contract, complete_application, fill_stage1, plan_initial, register

    content = json.dumps(example_dataset(), ensure_ascii=False).encode()
    rows = {"upload": [], "freeze": [], "sign": []}
    for i in range(args.repeat):
        def staff(name, *roles, i=i):
            return create_staff_user(f"{name}{i}", "bench-pass-123", roles=list(roles), by=None, display_name=name)

        org, client = register(f"基准测试组织{i}", f"110108MA0C{i:04d}", f"bench_client{i}")
        p = type("P", (), {})()
        p.reviewer, p.planner = staff("reviewer", Role.APPLICATION_REVIEWER), staff("planner", Role.PROGRAMME_MANAGER)
        p.lead, p.auditor = staff("lead", Role.AUDITOR), staff("auditor", Role.AUDITOR)
        p.decider_who_audited, p.expert = staff("auditor2", Role.AUDITOR), staff("expert", Role.TECHNICAL_EXPERT)
        app = complete_application(org, client)
        accept_and_contract(app, p)
        s1, s2 = plan_initial(app, p)
        fill_stage1(s1, p.lead)
        audits.complete_audit(s1, by=p.lead, conclusion="准备就绪", recommendation=Audit.RECOMMEND)

        t_up, up = timed(carbon.upload_inventory, s2, by=client, filename="i.json", content=content)
        t_engine, result = timed(carbon.run_engine, content, "i.json")
        rows["upload"].append((t_up, t_engine))
        for rec in up.sample:
            carbon.record_sample_check(up, by=p.auditor, row=rec["row"], source_kind="invoice", reference="x",
                                       value_found=rec["quantity"], result="agrees")
        carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="minor")
        t_fr, frozen = timed(carbon.freeze_figures, s2, by=p.lead)
        t_fr0, _ = timed(lambda c: freeze(carbon.run_engine(c, "i.json")), content)
        rows["freeze"].append((t_fr, t_fr0))
        kw = {"objectives": "目的", "evaluation": "评价", "recommendation": "recommend"}
        t_sign, rep = timed(report.sign_report, s2, by=p.lead, **kw)
        from django.template.loader import render_to_string
        from django.utils import translation

        with translation.override("zh-hans"):
            html = render_to_string("audits/report_pdf.html", {"c": rep.content, "version": 1, "signed_by": "x",
                                                              "signed_at": "x", "charts": report._charts(frozen.figures),
                                                              "body": settings.TANCERT_BODY})
        t_pdf, _ = timed(html_to_pdf, html)
        rows["sign"].append((t_sign, t_pdf))

    print(f"{'workload':<58} {'ours':>9} {'baseline':>9} {'ratio':>6}")
    labels = {"upload": ("upload_inventory (example, 56 records)", "engine check() alone"),
              "freeze": ("freeze_figures", "ghg.freeze(check()) alone"),
              "sign": ("sign_report (PDF/A, 6 pages)", "html_to_pdf of the same HTML")}
    for k, (ours, base) in labels.items():
        a = statistics.median(x for x, _ in rows[k])
        b = statistics.median(y for _, y in rows[k])
        print(f"{ours + ' vs ' + base:<58} {a * 1000:>7.0f}ms {b * 1000:>7.0f}ms {a / b:>6.2f}")


if __name__ == "__main__":
    main()
