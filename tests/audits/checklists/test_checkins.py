"""CNCA check-ins at the opening and closing meetings with 1–3 team photos (on by default, CB-checkin)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied

from tancert.audits import actions
from tancert.audits.checklists.checkins import check_in, set_checkin_required
from tancert.audits.models import Audit
from tancert.audits.programme import actions as programme_actions

from flow import PNG, answer_checklist, closing_day, through_audits, verify_carbon

pytestmark = pytest.mark.django_db


def photo(color=(200, 40, 40)) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (32, 32), color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def surveillance(p):
    from django.utils import timezone

    from flow import certify, complete_application, issue_plan, team

    cert = certify(complete_application(p.org_a, p.client_a), p)
    day = timezone.localdate() + timezone.timedelta(days=200)
    audit = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=day, end_date=day,
                                         auditor_days=2.5, team=team(p), certificate=cert)
    issue_plan(audit, p)
    return audit


def test_check_ins_come_in_order_and_a_missing_one_does_not_block_closing(p, surveillance, rule):
    assert surveillance.checkin_required  # on by default (CB-checkin)
    answer_checklist(surveillance, p.lead)
    with rule("R7.4", field="meeting"):
        check_in(surveillance, by=p.auditor, meeting="closing", photos=[("a.png", photo())])
    opening = check_in(surveillance, by=p.auditor, meeting="opening", photos=[("a.png", photo()), ("b.png", photo())],
                       location="厂区会议室")
    assert opening.photos.count() == 2
    with rule("R7.4", field="meeting"):
        check_in(surveillance, by=p.auditor, meeting="opening", photos=[("a.png", photo())])
    verify_carbon(surveillance, p.lead)
    # No closing check-in: an anomaly the team and the body explain (explanations.py), not a reason to stay open.
    with closing_day(surveillance):
        actions.complete_audit(surveillance, by=p.lead, conclusion="有效", recommendation=Audit.RECOMMEND)


def test_one_to_three_real_photos(p, surveillance, rule):
    with rule("R7.4", field="photos"):
        check_in(surveillance, by=p.lead, meeting="opening", photos=[])
    with rule("R7.4", field="photos"):
        check_in(surveillance, by=p.lead, meeting="opening", photos=[("x.png", photo())] * 4)
    with rule("R7.4", field="photos"):
        check_in(surveillance, by=p.lead, meeting="opening", photos=[("team.jpg", b"GIF89a not a jpeg")])
    assert not surveillance.checkins.exists()
    check_in(surveillance, by=p.lead, meeting="opening", photos=[("x.png", PNG)])


def test_only_the_team_checks_in_and_only_leader_or_planner_set_the_requirement(p, surveillance):
    for person in (p.outsider, p.client_a):
        with pytest.raises(PermissionDenied):
            check_in(surveillance, by=person, meeting="opening", photos=[("x.png", photo())])
    with pytest.raises(PermissionDenied):
        set_checkin_required(surveillance, by=p.auditor, required=True)
    set_checkin_required(surveillance, by=p.planner, required=False, reason="受审核方停产")
    set_checkin_required(surveillance, by=p.lead, required=True)
    assert Audit.objects.get(pk=surveillance.pk).checkin_required


def test_a_closed_audit_takes_no_check_in(p, rule):
    from flow import complete_application

    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    with rule("R7.4", field="status"):
        check_in(s2, by=p.lead, meeting="opening", photos=[("x.png", photo())])
