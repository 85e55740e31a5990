"""Findings carried forward (R8.1.3-F5, CB-findings-forward; docs/obligations.md): the next surveillance audit
lists the earlier audits' nonconformities with their corrective action and verification, re-checks each, and is
not closed while one is open or not re-checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.audits import actions as audits
from tancert.audits.findings import actions as finding_actions
from tancert.audits.findings import forward
from tancert.audits.models import Audit, Finding
from tancert.audits.programme import actions as programme_actions
from tancert.certificates import actions as certs
from tancert.records.models import Event

from flow import (
    CONDITIONS_MET,
    accept_and_contract,
    answer_checklist,
    closing_day,
    complete_application,
    fill_stage1,
    issue_plan,
    plan_initial,
    sign_report,
    team,
    verify_carbon,
)

pytestmark = pytest.mark.django_db


def _surveillance(p, cert, days):
    day = timezone.localdate() + timedelta(days=days)
    audit = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=day,
                                         end_date=day, auditor_days=2.5, team=team(p), certificate=cert)
    issue_plan(audit, p)
    return audit


def _certified_with_two_minors(p):
    """Stage 2 raises two minors, the client answers, the team accepts; the certificate is issued
    (tests/flow.py's through_audits, with the findings)."""
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    fill_stage1(s1, p.lead)
    with closing_day(s1):
        audits.complete_audit(s1, by=p.lead, conclusion="准备就绪", recommendation=Audit.RECOMMEND)
        s1.refresh_from_db()
        sign_report(s1, p.lead)
    answer_checklist(s2, p.lead)
    minors = []
    for clause, text, action in (("6.2", "碳目标未分解到部门", "修订目标管理程序"), ("9.1", "监测记录不完整", "培训监测人员")):
        f = finding_actions.raise_finding(s2, by=p.auditor, grade="minor", clause=clause, description=text,
                                          evidence="台账")
        finding_actions.respond_to_finding(f, by=p.client_a, correction="已改", root_cause="职责不清",
                                           corrective_action=action)
        finding_actions.review_finding_response(f, by=p.lead, outcome="accept")
        minors.append(f)
    finding_actions.raise_finding(s2, by=p.auditor, grade="observation", description="可改进", evidence="—")
    verify_carbon(s2, p.lead)
    with closing_day(s2):
        audits.complete_audit(s2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
        s2.refresh_from_db()
        sign_report(s2, p.lead)
    decision = certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    return certs.issue_certificate(decision, by=p.certadmin), minors


def test_the_next_surveillance_rechecks_earlier_nonconformities_and_open_ones_block(p, rule, client):
    cert, (answered, reopened) = _certified_with_two_minors(p)
    surveillance = _surveillance(p, cert, 200)
    assert [f.pk for f in forward.carried_findings(surveillance)] == [answered.pk, reopened.pk]  # no observation
    # The team of stage 2 finds the second answer insufficient after all: it is open again.
    finding_actions.review_finding_response(reopened, by=p.lead, outcome="return", note="缺少培训记录")
    answer_checklist(surveillance, p.lead)
    # The re-check list on the checklist page, with the corrective actions, for the team.
    client.force_login(p.lead)
    page = client.get(f"/audits/{surveillance.pk}/checklist/").content.decode()
    assert 'id="carried"' in page and "修订目标管理程序" in page and "监测记录不完整" in page

    with closing_day(surveillance), rule("CB-findings-forward", field="forward"):  # the open one blocks
        audits.complete_audit(surveillance, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    with rule("CB-findings-forward", field="effective"):  # an open one cannot be effective
        forward.recheck_finding(surveillance, reopened, by=p.lead, effective=True, note="已查看")
    with rule("CB-findings-forward", field="note"):
        forward.recheck_finding(surveillance, answered, by=p.lead, effective=True, note=" ")
    with pytest.raises(PermissionDenied):
        forward.recheck_finding(surveillance, answered, by=p.client_a, effective=True, note="自查")
    r = client.post(f"/audits/{surveillance.pk}/carried/{answered.pk}/recheck/",
                    {"effective": "yes", "note": "抽查三个部门的目标分解，有效"})
    assert r.status_code == 302
    answered.refresh_from_db()
    assert answered.status == Finding.VERIFIED  # its effectiveness confirmed at the next audit
    with rule("CB-findings-forward", field="finding"):  # once per audit
        forward.recheck_finding(surveillance, answered, by=p.lead, effective=True, note="再次")

    finding_actions.respond_to_finding(reopened, by=p.client_a, correction="补记录", root_cause="人员变动",
                                       corrective_action="培训全部监测人员")
    finding_actions.review_finding_response(reopened, by=p.lead, outcome="accept")
    with closing_day(surveillance), rule("CB-findings-forward", field="forward"):  # answered, not re-checked
        audits.complete_audit(surveillance, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    forward.recheck_finding(surveillance, reopened, by=p.lead, effective=False, note="培训未覆盖夜班")
    forward.check_forward(surveillance)  # nothing left: the gate lets the audit close
    reopened.refresh_from_db()
    assert reopened.status == Finding.ACCEPTED  # not effective: the next audit carries it again
    assert Event.objects.filter(action="finding.rechecked").count() == 2
