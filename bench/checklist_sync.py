"""Offline checklist sync (docs/audits.md §5): a queue of entries from a day on site, sent once and sent again.

Workload: a stage 2 checklist (36 items); a queue of N entries (answers and notes alternating, the way an
auditor works through the items). Ours: the whole queue in one POST to /api/v1/audits/{id}/checklist/sync;
then the same queue again (a reply lost on the way back: every entry is a duplicate and must store nothing).
Baseline in the same run: the same entries posted one request each to the per-item endpoints
(/checklist-items/{id}/answer and /evidence), the way a client without a queue would send them.

    .venv/bin/python bench/checklist_sync.py [ENTRIES=720]

SQLite in a temporary folder; the data is made through the actions (tests/flow.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(n: int) -> None:
    home = tempfile.mkdtemp(prefix="tancert-bench-sync-")
    os.environ.update(TANCERT_HOME=home, DJANGO_SETTINGS_MODULE="tancert.settings", TANCERT_DEMO="1", TANCERT_LOG_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "tests"))
    import django

    django.setup()
    from types import SimpleNamespace

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(Path(home) / "media")
    call_command("migrate", verbosity=0)
    from tancert.audits import actions
    from tancert.audits.checklists.actions import start_checklist
    from tancert.audits.models import Audit
    from tancert.audits.models.checklists import ChecklistAnswer, EvidenceEntry
    from tancert.people.actions import create_api_token, create_staff_user
    from tancert.people.models import Role

    from flow import accept_and_contract, complete_application, fill_stage1, plan_initial, register

    def staff(name, *roles):
        return create_staff_user(name, "bench-pass-123", roles=list(roles), by=None, display_name=name)

    def world(seed):
        org, client = register(f"基准测试{seed}有限公司", f"110108MA0{seed}", f"client{seed}")
        app = complete_application(org, client)
        accept_and_contract(app, p)
        s1, s2 = plan_initial(app, p)
        fill_stage1(s1, p.lead)
        actions.complete_audit(s1, by=p.lead, conclusion="就绪", recommendation=Audit.RECOMMEND)
        return start_checklist(s2, by=p.lead), s2

    p = SimpleNamespace(reviewer=staff("reviewer", Role.APPLICATION_REVIEWER),
                        planner=staff("planner", Role.PROGRAMME_MANAGER), lead=staff("lead", Role.AUDITOR),
                        auditor=staff("auditor", Role.AUDITOR), decider_who_audited=staff("d2", Role.AUDITOR),
                        expert=staff("expert", Role.TECHNICAL_EXPERT))
    _t, secret = create_api_token(p.auditor, "bench", by=p.auditor)
    http = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def queue(checklist):
        items = list(checklist.items.all())
        out, versions = [], {i.code: 0 for i in items}
        for k in range(n):
            item = items[(k // 2) % len(items)]
            if k % 2 == 0:
                out.append({"uuid": str(uuid.uuid4()), "type": "answer", "item": item.code,
                            "conformity": "conforming", "version": versions[item.code]})
                versions[item.code] += 1
            else:
                out.append({"uuid": str(uuid.uuid4()), "type": "evidence", "item": item.code, "kind": "note",
                            "text": f"现场记录 {k}"})
        return out, {i.code: i.pk for i in items}

    checklist, audit = world("B0001")
    entries, _ids = queue(checklist)
    t0 = time.perf_counter()
    r = http.post(f"/api/v1/audits/{audit.pk}/checklist/sync", {"entries": entries}, content_type="application/json")
    first = time.perf_counter() - t0
    assert r.status_code == 200 and all(x["status"] == "saved" for x in r.json()), r.content[:300]
    t0 = time.perf_counter()
    r = http.post(f"/api/v1/audits/{audit.pk}/checklist/sync", {"entries": entries}, content_type="application/json")
    again = time.perf_counter() - t0
    stored = (ChecklistAnswer.objects.filter(item__checklist=checklist).count()
              + EvidenceEntry.objects.filter(item__checklist=checklist).count())
    assert stored == n, (stored, n)

    checklist2, _audit2 = world("B0002")
    entries2, ids2 = queue(checklist2)
    t0 = time.perf_counter()
    for e in entries2:
        if e["type"] == "answer":
            r = http.post(f"/api/v1/checklist-items/{ids2[e['item']]}/answer",
                          {"conformity": e["conformity"], "version": e["version"], "uuid": e["uuid"]},
                          content_type="application/json")
        else:
            r = http.post(f"/api/v1/checklist-items/{ids2[e['item']]}/evidence",
                          {"kind": "note", "text": e["text"], "uuid": e["uuid"]}, content_type="application/json")
        assert r.status_code in (200, 201), r.content[:300]
    baseline = time.perf_counter() - t0

    print(f"| workload ({n} entries, 36 items) | ours | baseline (same run) | ratio |")
    print("|---|---|---|---|")
    print(f"| first sync, one request | **{first:.2f} s** ({first / n * 1000:.1f} ms/entry) | "
          f"one request per entry: {baseline:.2f} s | {baseline / first:.1f}× |")
    print(f"| the same queue again (all duplicates, nothing stored) | **{again:.2f} s** | — | — |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 720)
