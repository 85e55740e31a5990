"""The monthly regulator report page (docs/certificates.md): generate and download it as Excel or JSON."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tancert.certificates.access import require_office
from tancert.certificates.export import regulator as export
from tancert.certificates.models import RegulatorExport
from tancert.people.models import Role


@login_required
def export_page(request):
    require_office(request.user, Role.CERTIFICATE_ADMIN, Role.SYSTEM_ADMIN)
    today = timezone.localdate()
    last = (today.replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
    if request.method == "POST":
        period, fmt = request.POST.get("period", ""), request.POST.get("format", "xlsx")
        try:
            xlsx, _record = export.generate(period, by=request.user)
        except export.BadPeriod as exc:
            messages.error(request, str(exc))
            return redirect("regulator_export")
        if fmt == "json":
            response = JsonResponse(export.as_json(period), json_dumps_params={"ensure_ascii": False, "indent": 1})
            response["Content-Disposition"] = f'attachment; filename="regulator-{period}.json"'
            return response
        response = HttpResponse(xlsx, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="regulator-{period}.xlsx"'
        return response
    return render(request, "certificates/export.html", {
        "exports": RegulatorExport.objects.all()[:36], "last": last, "due": export.due_date(last),
        "sheets": export.SHEETS, "version": export.MAPPING_VERSION,
        "done_last": RegulatorExport.objects.filter(period=last).exists()})
