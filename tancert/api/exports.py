"""The monthly regulator report over the API (docs/certificates.md)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router, Schema, Status

from tancert.certificates.access import require_office
from tancert.certificates.export import regulator as export
from tancert.people.models import Role

router = Router(tags=["regulator export"])


class BadInput(Schema):
    detail: str


@router.get("/regulator-export/{period}", response={200: dict, 400: BadInput})
def regulator_export(request, period: str, format: str = "json"):
    """The month's regulator report (`format=json` or `xlsx`); generating it records it (the sweep stops
    reminding). Fixed sheets, documented versioned mapping (certificates/export.py)."""
    require_office(request.user, Role.CERTIFICATE_ADMIN, Role.SYSTEM_ADMIN)
    try:
        xlsx, _record = export.generate(period, by=request.user)
    except export.BadPeriod as exc:
        return Status(400, {"detail": str(exc)})
    if format == "xlsx":
        response = HttpResponse(xlsx,
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="regulator-{period}.xlsx"'
        return response
    return export.as_json(period)
