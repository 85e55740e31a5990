"""The client's declaration at submission (R7.1 "对其提供的文件真实性负责", CB-declaration; docs/obligations.md)."""

from __future__ import annotations

import pytest

from tancert.clients import actions
from tancert.records.models import Event
from tancert.scheme.violations import RuleViolation

from flow import complete_application

pytestmark = pytest.mark.django_db


def test_submission_needs_a_named_declaration_and_records_it(p):
    app = complete_application(p.org_a, p.client_a, submit=False)
    for declarant, declared in (("", True), ("张三 总经理", False), ("张" * 101, True)):
        with pytest.raises(RuleViolation) as e:
            actions.submit_application(app, by=p.client_a, declarant=declarant, declared=declared)
        assert e.value.key == "CB-declaration" and e.value.field == "declarant"
    app.refresh_from_db()
    assert app.status == "draft" and app.declared_at is None
    actions.submit_application(app, by=p.client_a, declarant=" 张三 总经理 ", declared=True)
    app.refresh_from_db()
    assert (app.status, app.declared_by_name, app.declared_by) == ("submitted", "张三 总经理", p.client_a)
    event = Event.objects.filter(action="application.submitted", subject_id=str(app.pk)).get()
    assert event.data["declaration"]["by"] == "张三 总经理" and "真实性" in event.summary


def test_the_submit_page_refuses_without_the_declaration(client, p):
    app = complete_application(p.org_a, p.client_a, submit=False)
    client.force_login(p.client_a)
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'name="declarant"' in page and 'name="declared"' in page
    r = client.post(f"/applications/{app.pk}/submit/", {"declarant": "张三 总经理"}, follow=True)
    assert 'data-rule="CB-declaration"' in r.content.decode() or "CB-declaration" in r.content.decode()
    app.refresh_from_db()
    assert app.status == "draft"
    client.post(f"/applications/{app.pk}/submit/", {"declarant": "张三 总经理", "declared": "on"})
    app.refresh_from_db()
    assert app.status == "submitted" and app.declared_by_name == "张三 总经理"
