"""People are chosen by name and role, never by login name (docs/web.md, "People by name"): the audit team,
the complaint investigator and the evaluator drop-downs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tancert.audits.forms import PlanAuditForm
from tancert.certificates.complaints.forms import InvestigatorForm
from tancert.people.auditors.forms import MonitoringForm

pytestmark = pytest.mark.django_db


def _labels(field) -> dict[int, str]:
    return {int(value.value): label for value, label in field.choices if value}


def test_team_investigator_and_evaluator_drop_downs_show_name_and_role(p):
    p.lead.display_name = "陈晨"
    p.lead.save(update_fields=["display_name"])
    with translation.override("zh-hans"):
        form = PlanAuditForm()
        with CaptureQueriesContext(connection) as q:
            leaders = _labels(form.fields["leader"])
        assert len(q) <= 2  # the roles come with the people, not one query per person
        assert leaders[p.lead.pk] == "陈晨 · 审核员"
        assert _labels(form.fields["auditors"])[p.decider_who_audited.pk] == "decider2 · 审核员、认证决定人员"
        assert _labels(form.fields["experts"])[p.expert.pk] == "expert · 技术专家"
        assert _labels(InvestigatorForm().fields["investigator"])[p.lead.pk] == "陈晨 · 审核员"
        assert _labels(MonitoringForm().fields["evaluator"])[p.lead.pk] == "陈晨 · 审核员"
