"""Audit planning and audit pages (thin: forms → actions)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits import actions
from tancert.audits.access import audits_for, findings_for
from tancert.audits.checklists import explanations
from tancert.audits.checklists import items as checklist_items
from tancert.audits.findings import actions as finding_actions
from tancert.audits.findings.forms import FindingForm, ResponseForm
from tancert.audits.forms import CompleteForm
from tancert.audits.listing import AUDITS, FINDINGS
from tancert.audits.models import Audit
from tancert.audits.models.checklists import CheckIn, Checklist
from tancert.audits.programme.views import audit_panel
from tancert.audits.remote.views import remote_panel
from tancert.audits.stage1 import actions as stage1
from tancert.people.models import Role
from tancert.records.models import Event
from tancert.ui import lists
from tancert.ui.actionview import perform_form
from tancert.ui.walls import get_or_404


@login_required
def audits(request):
    return lists.page(request, AUDITS, audits_for(request.user).select_related("organisation"), "audits/audits.html")


@login_required
def audits_export(request):
    return lists.export(request, AUDITS, audits_for(request.user).select_related("organisation"))


@login_required
def findings(request):
    return lists.page(request, FINDINGS, findings_for(request.user).select_related("audit__organisation"),
                      "audits/findings.html")


@login_required
def findings_export(request):
    return lists.export(request, FINDINGS, findings_for(request.user).select_related("audit__organisation"))


@login_required
def audit(request, pk: int):
    a = get_or_404(audits_for(request.user).select_related("organisation", "application"), pk=pk)
    user = request.user
    member = a.team.filter(user=user).first() if not user.is_client else None
    findings = a.findings.select_related("checklist_item").prefetch_related("evidence_entries__recorded_by",
                                                                             "response_files")
    return render(request, "audits/audit.html", {
        **audit_context(a, user),
        "audit": a, "team": a.team.select_related("user"), "findings": findings, "member": member,
        "is_leader": bool(member and member.role == "leader"),
        "can_plan": user.has_role(Role.PROGRAMME_MANAGER),
        "is_client": user.is_client and user.organisation_id == a.organisation_id,
        "finding_form": FindingForm(), "response_form": ResponseForm(), "complete_form": CompleteForm(),
        "can_decide": (user.has_role(Role.DECISION_MAKER) and a.status == Audit.COMPLETED
                       and a.kind in (Audit.STAGE2, Audit.RECERTIFICATION) and not a.decisions.exists()),
        "events": Event.objects.filter(subject_type="audit", subject_id=str(a.pk)).order_by("seq")
        if not user.is_client else [],
        **audit_panel(request, a),  # programme entry, team confirmation, audit plan (views_planning)
        **remote_panel(user, a),  # the remote audit deviation (IAF MD4)
    })


@login_required
@require_POST
def complete(request, pk: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    perform_form(request, CompleteForm, actions.complete_audit, a, by=request.user, success=_("Audit closed."),
                 invalid=_("Write the conclusion and choose a recommendation."))
    return redirect("audit", pk)


def audit_context(a, user) -> dict:
    """What the audit page shows of the features: stage 1's key points, the checklist summary, the
    deadline for verifying majors, the check-ins."""
    deadline = finding_actions.verification_deadline(a)
    ctx = {
        "key_points": stage1.key_points(a.application) if a.kind in (Audit.STAGE2, Audit.STAGE1) else None,
        "checklist_summary": None, "verify_deadline": deadline,
        "verification_expired": finding_actions.verification_expired(a), "checkins": a.checkins.prefetch_related("photos"),
        "meetings": CheckIn.MEETINGS, "has_checklist": checklist_items.has_checklist(a.kind),
        # CB-checkin: the anomalies and both sides' explanations are the team's and the office's, never the client's.
        "checkin_view": None if user.is_client else explanations.overview(a),
    }
    cl = Checklist.objects.filter(audit=a).first()
    if cl is not None:
        items = list(cl.items.all())
        ctx["checklist_summary"] = {"total": len(items), "answered": sum(1 for i in items if i.conformity),
                                    "open_mandatory": sum(1 for i in items if i.mandatory and not i.conformity)}
    return ctx
