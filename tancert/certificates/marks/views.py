"""The mark (R11.1, R11.2): the holder downloads it, everyone reads its rules, the office records misuse."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.certificates.access import certificate_for
from tancert.certificates.marks import actions as mark_actions
from tancert.certificates.marks import drawing as marks
from tancert.certificates.marks.forms import MisuseForm
from tancert.ui.actionview import perform, perform_form


@login_required
def mark_file(request, pk: int, kind: str):
    """R11.1: the holder of a valid certificate downloads the mark (SVG vector, PNG raster)."""
    cert = certificate_for(request, pk)
    ok, _v = perform(request, mark_actions.mark_allowed, cert, request.user)
    if not ok:
        return redirect("certificate", pk)
    if kind == "svg":
        response = HttpResponse(marks.svg(cert.number), content_type="image/svg+xml")
    elif kind == "png":
        response = HttpResponse(marks.png(cert.number), content_type="image/png")
    else:
        raise PermissionDenied
    response["Content-Disposition"] = f'attachment; filename="{cert.number}-mark.{kind}"'
    return response


def mark_rules(request):
    """The usage rules of the mark (R11.2), public like the register."""
    return render(request, "certificates/mark_rules.html", {"mark": marks.data_uri()})


@login_required
@require_POST
def misuse(request, pk: int):
    cert = certificate_for(request, pk)
    perform_form(request, MisuseForm, mark_actions.record_mark_misuse, cert, by=request.user,
                 success=_("Misuse of the mark recorded."), invalid=_("Fill in the date, what was found and the "
                                                                       "evidence."))
    return redirect("certificate", pk)
