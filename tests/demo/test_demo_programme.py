"""The demo seeds through the stricter planning actions (full team check) and gives the certified
demo client an audit programme with its windows (R8.1-programme)."""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_seed_plans_with_valid_teams_and_builds_the_certified_clients_programme():
    from tancert.audits.models import AuditProgramme
    from tancert.demo import seed as demo

    demo.seed()
    prog = AuditProgramme.objects.get(organisation__name="蓝天化工有限公司")
    kinds = [(e.kind, e.sequence) for e in prog.current_entries()]
    assert kinds == [("stage1", 0), ("stage2", 0), ("surveillance", 1), ("surveillance", 2), ("recertification", 0)]
    assert all(e.audit_id for e in prog.current_entries()[:2]) and prog.certificate_id
