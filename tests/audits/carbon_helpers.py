"""Shared set-up for the carbon verification and audit report tests."""

from __future__ import annotations

from tancert.audits import actions as audits
from tancert.audits.carbon import actions as carbon
from tancert.audits.models import Audit

from flow import (
    accept_and_contract,
    check_whole_sample,
    complete_application,
    fill_stage1,
    inventory_bytes,
    plan_initial,
    sign_report,
)


def open_stage2(p):
    """A's application accepted and paid, stage 1 closed, stage 2 open."""
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    fill_stage1(s1, p.lead)
    audits.complete_audit(s1, by=p.lead, conclusion="准备就绪", recommendation=Audit.RECOMMEND)
    s1.refresh_from_db()
    sign_report(s1, p.lead)  # the decision rests on both reports (R7.5.1)
    return s2


def verified_and_frozen(p, s2=None):
    s2 = s2 or open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="inventory.json", content=inventory_bytes())
    check_whole_sample(up, p.auditor)
    carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="minor")
    return s2, carbon.freeze_figures(s2, by=p.lead)
