"""Pages of the carbon data verification (thin: forms → actions).

Walls: the carbon page is for the audit team and the audited organisation only (anyone else gets a
404, like a missing audit).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits.access import audits_for
from tancert.audits.carbon import actions as carbon
from tancert.audits.carbon import cycle, downloads, labels, meters, montecarlo, review
from tancert.audits.carbon.forms import (
    ConfirmDataFindingForm,
    DismissDataFindingForm,
    InventoryUploadForm,
    MeterSeriesForm,
    MonteCarloForm,
    SampleCheckForm,
)
from tancert.audits.models import Audit
from tancert.audits.team import on_team
from tancert.records import uploads
from tancert.scheme.violations import RuleViolation
from tancert.ui.actionview import perform, perform_form, violation_text
from tancert.ui.walls import get_or_404


def _carbon_audit(request, pk: int) -> Audit:
    a = get_or_404(audits_for(request.user).select_related("organisation"), pk=pk)
    user = request.user
    if not (on_team(a, user) or (user.is_client and user.organisation_id == a.organisation_id)):
        raise Http404
    return a


def _carbon_page(request, a: Audit, *, upload_form=None, upload_errors=None, meter_errors=None, status=200):
    up = carbon.current_upload(a)
    series = meters.current_series(up)
    checks = {c.row: c for c in up.checks.select_related("finding", "checked_by")} if up else {}
    sample = [r | {"check": checks.get(r["row"]), "activity_zh": labels.activity(r.get("kind", ""), r.get("activity", ""))}
              for r in (up.sample if up else [])]
    confirmed = {c.rule: c for c in up.confirmed.select_related("finding")} if up else {}
    dismissed = {d.rule: d for d in up.dismissed.all()} if up else {}
    blocking = [b | {"confirmed": confirmed.get(b["rule"]), "dismissed": dismissed.get(b["rule"])}
                for b in carbon.blocking_rules(up)] if up else []
    member = on_team(a, request.user)
    stage1 = a.kind == Audit.STAGE1
    run = None if stage1 else montecarlo.latest_run(up)
    points = cycle.series(a) if a.kind in (Audit.SURVEILLANCE, Audit.RECERTIFICATION) else []
    a1 = montecarlo.interval(((up.results.get("uncertainty") or {}).get("approach1") or {}).get("total")) if up else None
    return render(request, "audits/carbon.html", {
        "stage1": stage1, "templates": downloads.templates_for(downloads.levels_for(a)),
        "review": review.stage1_review(up.results if up else None) if stage1 else None,
        "stage2_verifies": review.STAGE2_VERIFIES if stage1 else None,
        "stage1_record": getattr(a, "stage1_record", None) if stage1 and member else None,
        "mc_run": run, "mc_rows": montecarlo.side_by_side(run.approach1 if run else a1, run.total if run else None),
        "mc_form": MonteCarloForm(), "mc_notes": [(n, labels.uncertainty_note(n)) for n in (run.notes if run else [])],
        "audit": a, "upload": up, "sample": sample, "blocking": blocking, "member": member,
        "open": a.status in (Audit.PLANNED, Audit.IN_PROGRESS),
        "uploads": a.inventories.select_related("uploaded_by").order_by("-version"),
        "frozen": a.frozen_figures.select_related("frozen_by").order_by("-version"),
        "checked": len(checks), "upload_form": upload_form or InventoryUploadForm(),
        "upload_errors": upload_errors, "check_form": SampleCheckForm(auto_id=False), "confirm_form": ConfirmDataFindingForm(auto_id=False),
        "dismiss_form": DismissDataFindingForm(auto_id=False), "leader": a.leader() == request.user,
        "findings_summary": [b | {"severity_zh": labels.severity(b["severity"])}
                             for b in (up.results.get("findings_summary", []) if up else [])],
        "categories": [(labels.CATEGORIES.get(k, k), v) for k, v in (up.results.get("by_category", {}) if up else {}).items()],
        "sample_method": labels.sample_method(up.sample_rule) if up else "",
        "market": up.results.get("market_based") if up else None,  # market-based Scope 2 (ghg/market.py)
        # Performance over the cycle (R8.1.3-F2/F4, R8.2.2-F3/F4): plain SVG drawn here, no script (CSP).
        "cycle_rows": cycle.table_rows(points), "cycle_changes": cycle.changes(points),
        "cycle_chart": mark_safe(cycle.chart(points)) if len(points) > 1 else "",  # noqa: S308 — escaped in chart()
        "cycle_key": cycle.cycle_key(a),
        # The meter series reconciled with this inventory version (meters.py): per meter and the months off.
        "series": series, "meter_form": MeterSeriesForm(), "meter_errors": meter_errors,
        "series_meters": [m | {"off": [x for x in m.get("months", []) if not x.get("within_tolerance")]}
                          for m in (series.report.get("meters") or [])] if series else [],
        "series_findings": [b | {"severity_zh": labels.severity(b["severity"])} for b in series.findings_summary]
        if series else [],
    }, status=status)


@login_required
def carbon_page(request, pk: int):
    return _carbon_page(request, _carbon_audit(request, pk))


@login_required
@require_POST
def carbon_upload(request, pk: int):
    a = _carbon_audit(request, pk)
    form = InventoryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the inventory file."))
        return _carbon_page(request, a, upload_form=form, status=400)
    f = form.cleaned_data["file"]
    try:
        up = carbon.upload_inventory(a, by=request.user, filename=f.name, content=f.read(carbon.MAX_UPLOAD_BYTES + 1))
    except carbon.InventoryRejected as exc:
        messages.error(request, violation_text(exc, request.user))
        return _carbon_page(request, a, upload_form=form, upload_errors=exc.errors, status=422)
    except RuleViolation as exc:
        messages.error(request, violation_text(exc, request.user))
        return _carbon_page(request, a, upload_form=form, status=422)
    messages.success(request, _("Inventory version %(v)s uploaded and recomputed.") % {"v": up.version})
    return redirect("audit_carbon", pk)


@login_required
@require_POST
def carbon_meters(request, pk: int, upload_id: int):
    """A meter series for the inventory version: refused files are a 4xx with the reason, nothing stored."""
    a = _carbon_audit(request, pk)
    up = _upload(a, upload_id)
    form = MeterSeriesForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the meter series file."))
        return _carbon_page(request, a, status=400)
    f = form.cleaned_data["file"]
    try:
        s = meters.upload_meters(up, by=request.user, filename=f.name, content=uploads.read(f))
    except meters.SeriesRejected as exc:
        messages.error(request, violation_text(exc, request.user))
        return _carbon_page(request, a, meter_errors=exc.errors, status=422)
    except RuleViolation as exc:
        messages.error(request, violation_text(exc, request.user))
        return _carbon_page(request, a, status=422)
    messages.success(request, _("Meter series version %(v)s reconciled with the inventory.") % {"v": s.version})
    return redirect(reverse("audit_carbon", args=[pk]) + "#meters")


def _upload(a: Audit, upload_id: int):
    return get_or_404(a.inventories.all(), pk=upload_id)


@login_required
@require_POST
def carbon_check(request, pk: int, upload_id: int):
    a = _carbon_audit(request, pk)
    perform_form(request, SampleCheckForm, carbon.record_sample_check, _upload(a, upload_id), by=request.user,
                 uuid=request.POST.get("uuid") or None,
                 success=_("Check recorded."), invalid=_("Name the source, the document reference and the result."))
    return redirect(reverse("audit_carbon", args=[pk]) + "#sample")


@login_required
@require_POST
def carbon_confirm(request, pk: int, upload_id: int):
    a = _carbon_audit(request, pk)
    perform_form(request, ConfirmDataFindingForm, carbon.confirm_data_finding, _upload(a, upload_id),
                 by=request.user, success=_("Finding recorded."), invalid=_("Choose the grade of the finding."))
    return redirect("audit_carbon", pk)


@login_required
@require_POST
def carbon_dismiss(request, pk: int, upload_id: int):
    a = _carbon_audit(request, pk)
    perform_form(request, DismissDataFindingForm, carbon.dismiss_quality_finding, _upload(a, upload_id),
                 by=request.user, success=_("Data-quality finding dismissed."),
                 invalid=_("Give the reason for dismissing it."))
    return redirect("audit_carbon", pk)


@login_required
@require_POST
def carbon_freeze(request, pk: int):
    a = _carbon_audit(request, pk)
    perform(request, carbon.freeze_figures, a, by=request.user, success=_("The verified figures are frozen."))
    return redirect("audit_carbon", pk)


@login_required
def carbon_file(request, pk: int, upload_id: int):
    up = _upload(_carbon_audit(request, pk), upload_id)
    return FileResponse(up.file.open("rb"), as_attachment=True, filename=up.original_name)


@login_required
@require_POST
def carbon_monte_carlo(request, pk: int, upload_id: int):
    a = _carbon_audit(request, pk)
    perform_form(request, MonteCarloForm, carbon.run_monte_carlo, _upload(a, upload_id), by=request.user,
                 success=_("Monte Carlo run and recorded."), invalid=_("Choose between 1,000 and 20,000 iterations."))
    return redirect(reverse("audit_carbon", args=[pk]) + "#uncertainty")


@login_required
def carbon_template(request, pk: int, key: str):
    """A data template of a level the audit covers, written by its engine (downloads.py)."""
    a = _carbon_audit(request, pk)
    template = next((t for t in downloads.templates_for(downloads.levels_for(a)) if t.key == key), None)
    if template is None:
        raise Http404
    with tempfile.TemporaryDirectory() as tmp:
        data = downloads.write(template, Path(tmp) / template.filename).read_bytes()
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=template.filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
