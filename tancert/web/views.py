"""The pages that bring several apps together: the home pages of each role, sign-up, and an
organisation's file (its applications, audits, certificates and record history)."""

from __future__ import annotations

import dataclasses

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tancert.audits.access import audits_for
from tancert.audits.models import Audit
from tancert.certificates.access import certificates_for
from tancert.clients.access import applications_for, organisations_for
from tancert.clients.actions import sign_up_organisation
from tancert.people.access import is_office
from tancert.people.models import Role
from tancert.records.models import Event
from tancert.records.retention import retention_until
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404
from tancert.web import charts, queues
from tancert.web.forms import SignupForm
from tancert.web.nextstep import client_steps


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "web/landing.html")
    if user.is_client:
        return client_home(request)
    return staff_home(request)


def client_home(request):
    org = request.user.organisation
    today = timezone.localdate()
    steps = [with_href(s) for s in client_steps(queues.client_state(org, today), today)]
    return render(request, "web/client_home.html", {
        "org": org, "today": today, "steps": steps, "next": steps[0] if steps else None, "later": steps[1:],
        "applications": org.applications.all(),
        "audits": org.audits.exclude(status=Audit.CANCELLED), "certificates": org.certificates.all(),
    })


def with_href(step):
    href = reverse(step.url, args=step.args) + (f"#{step.anchor}" if step.anchor else "")
    return dataclasses.replace(step, href=href)


def staff_home(request):
    """Each role's queue, most urgent first (docs/web.md, "Homes as work queues")."""
    user = request.user
    today = timezone.localdate()
    ctx = {"today": today}
    if user.has_role(Role.APPLICATION_REVIEWER):
        ctx["review_queue"] = queues.reviewer_queue(today)
    if user.has_role(Role.APPLICATION_REVIEWER, Role.CERTIFICATE_ADMIN):
        ctx["awaiting_payment"] = queues.unpaid_contracts()
    if user.has_role(Role.PROGRAMME_MANAGER):
        ctx["to_plan"] = queues.applications_to_plan(today)
        ctx["surveillance_due"] = queues.surveillance_due(today)
        ctx["notices"] = queues.notices_to_review(today)
        ctx["plan_changes"] = queues.plan_changes(today)
    if user.has_role(Role.AUDITOR, Role.TECHNICAL_EXPERT):
        ctx["leader"] = queues.leader_queues(user, today)
        ctx["mine"] = queues.my_audits(user, today)
    if user.has_role(Role.DECISION_MAKER):
        ctx["decider"] = queues.decider_queues(user, today)
    if user.has_role(Role.CERTIFICATE_ADMIN):
        ctx["to_issue"] = queues.certificates_to_issue(today)
    if is_office(user):
        ctx["overdue_findings"] = queues.overdue_findings(today)
        counts = queues.certificate_counts()
        ctx["cert_chart"] = charts.bars(counts)
        ctx["month_chart"] = charts.months(queues.certificates_by_month(today))
        ctx["auditor_chart"] = charts.bars(queues.audits_per_auditor(today))
    if user.has_role(Role.SYSTEM_ADMIN):
        ctx["admin"] = queues.admin_status(today)
    ctx["summary"] = summary(ctx)
    return render(request, "web/staff_home.html", ctx)


def summary(ctx: dict) -> list[tuple[str, int, int, str]]:
    """The counts at the top of the staff home: (label, how many, how many overdue, anchor)."""
    rows = []

    def add(label, items, anchor):
        items = list(items)
        rows.append((label, len(items), sum(1 for r in items if getattr(r, "overdue", False)), anchor))

    if "review_queue" in ctx:
        add(_("Applications to review"), ctx["review_queue"], "review")
    if "to_plan" in ctx:
        add(_("Applications to plan"), ctx["to_plan"], "plan")
        add(_("Surveillance due"), ctx["surveillance_due"], "surveillance")
        add(_("Holders' notices to review"), ctx["notices"], "notices")
        add(_("Plan changes asked"), ctx["plan_changes"], "plan-changes")
    if "leader" in ctx:
        add(_("Answers to review"), ctx["leader"]["answers"], "answers")
        add(_("Reports to sign"), ctx["leader"]["to_sign"], "reports")
        if "plan_changes" not in ctx:
            add(_("Plan changes asked"), ctx["leader"]["plan_changes"], "plan-changes")
        add(_("Audits today"), ctx["mine"]["today"], "mine")
    if "decider" in ctx:
        add(_("Audits to decide"), ctx["decider"]["to_decide"], "decide")
        add(_("Suspension proposals"), ctx["decider"]["proposals"], "proposals")
        add(_("Evidence on suspensions"), ctx["decider"]["evidence"], "evidence")
    if "to_issue" in ctx:
        add(_("Certificates to issue"), ctx["to_issue"], "issue")
    overdue = ctx["overdue_findings"] if "overdue_findings" in ctx else ctx.get("leader", {}).get("overdue")
    if overdue is not None and ("overdue_findings" in ctx or overdue):
        rows.append((_("Overdue nonconformity answers"), len(overdue), len(overdue), "overdue-findings"))
    return rows


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, result = perform(request, sign_up_organisation, form=form,
                             name=d["name"], credit_code=d["credit_code"], registered_address=d["registered_address"],
                             address=d["address"], username=d["username"], password=d["password"],
                             email=d["email"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
                             legal_representative=d["legal_representative"], employees=d["employees"],
                             technical_areas=d["technical_areas"])
        if ok:
            login(request, result[1], backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "web/signup.html", {"form": form})


@login_required
def organisation(request, pk: int):
    org = get_or_404(organisations_for(request.user), pk=pk)
    events = Event.objects.filter(organisation_id=org.pk).order_by("-seq")
    if not is_office(request.user) and not request.user.is_client:
        # An auditor sees the history of the audits they are on, not the whole file.
        audit_ids = [str(a) for a in audits_for(request.user).filter(organisation=org).values_list("pk", flat=True)]
        events = events.filter(subject_type="audit", subject_id__in=audit_ids)
    return render(request, "clients/organisation.html", {
        "org": org,
        "applications": applications_for(request.user).filter(organisation=org),
        "audits": audits_for(request.user).filter(organisation=org),
        "certificates": certificates_for(request.user).filter(organisation=org),
        "events": events[:200],
        "retention": retention_until(org),
        "can_export": is_office(request.user),
    })
