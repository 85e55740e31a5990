"""Pages of a level's verification (thin: forms → actions). The section sits on the carbon page
(templatetags/levels.py); these views take its POSTs and serve its files. Walls as the carbon page's: the audit
team and the audited organisation only, anyone else a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits.carbon import views as carbon_views
from tancert.audits.carbon.actions import InventoryRejected
from tancert.audits.carbon.levels import actions
from tancert.audits.carbon.levels.forms import (
    ConfirmLevelFindingForm,
    DismissLevelFindingForm,
    LevelUploadForm,
)
from tancert.audits.models.levels import LEVELS
from tancert.records import uploads
from tancert.scheme.violations import RuleViolation
from tancert.ui.actionview import perform, perform_form, violation_text
from tancert.ui.walls import get_or_404


def _audit(request, pk: int, level: str):
    if level not in dict(LEVELS):
        raise Http404
    return carbon_views._carbon_audit(request, pk)


def _back(pk: int, level: str):
    return redirect(reverse("audit_carbon", args=[pk]) + f"#level-{level}")


@login_required
@require_POST
def level_upload(request, pk: int, level: str):
    a = _audit(request, pk, level)
    form = LevelUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the workbook file."))
        return _back(pk, level)
    f = form.cleaned_data["file"]
    try:
        up = actions.upload_level(a, level, by=request.user, filename=f.name, content=uploads.read(f))
    except InventoryRejected as exc:
        messages.error(request, violation_text(exc, request.user))
        request.level_errors = {level: exc.errors[:200]}  # shown in the level's section (templatetags/levels.py)
        return carbon_views._carbon_page(request, a, status=422)
    except RuleViolation as exc:
        messages.error(request, violation_text(exc, request.user))
        return carbon_views._carbon_page(request, a, status=422)
    messages.success(request, _("Workbook version %(v)s uploaded and checked.") % {"v": up.version})
    return _back(pk, level)


def _upload(a, level: str, upload_id: int):
    return get_or_404(a.level_uploads.filter(level=level), pk=upload_id)


@login_required
@require_POST
def level_confirm(request, pk: int, level: str, upload_id: int):
    a = _audit(request, pk, level)
    perform_form(request, ConfirmLevelFindingForm, actions.confirm_level_finding, _upload(a, level, upload_id),
                 by=request.user, success=_("Finding recorded."), invalid=_("Choose the grade of the finding."))
    return _back(pk, level)


@login_required
@require_POST
def level_dismiss(request, pk: int, level: str, upload_id: int):
    a = _audit(request, pk, level)
    perform_form(request, DismissLevelFindingForm, actions.dismiss_level_finding, _upload(a, level, upload_id),
                 by=request.user, success=_("Data-quality finding dismissed."),
                 invalid=_("Give the reason for dismissing it."))
    return _back(pk, level)


@login_required
@require_POST
def level_freeze(request, pk: int, level: str):
    a = _audit(request, pk, level)
    perform(request, actions.freeze_level, a, level, by=request.user, success=_("The verified figures are frozen."))
    return _back(pk, level)


@login_required
def level_file(request, pk: int, level: str, upload_id: int):
    up = _upload(_audit(request, pk, level), level, upload_id)
    return FileResponse(up.file.open("rb"), as_attachment=True, filename=up.original_name)
