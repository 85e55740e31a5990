"""Project reductions (R5.c, docs/projects.md) and event carbon neutrality (R5.d, docs/events.md) over the API.

Stateless: the workbook is uploaded through the upload gate (records/uploads.py: type by content, size cap,
zip limits), checked by the pure engine (tancert/projects, tancert/events) and answered as the CLI's `--json`;
nothing is stored, except by
`/events/register`: the client's own event offsets, each serial once in the platform. A file the engine cannot read is 422 with its errors by sheet, row and column (English and
Chinese). Any signed-in user may check a workbook: it shows nothing of anyone else's.
"""

from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from tancert.clients.offsets.actions import register_event_offsets
from tancert.events import engine as events
from tancert.events.template import write_template as event_template
from tancert.ghg.errors import InputError
from tancert.projects import engine as projects
from tancert.projects.template import write_template as project_template
from tancert.records.uploads import examine, read

router = Router(tags=["project reductions and event neutrality"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(file: UploadedFile, check, then=None):
    content = read(file)
    verdict = examine(content, allowed=("xlsx",))
    if not verdict.ok:
        message = str(verdict.message) % verdict.params if verdict.params else str(verdict.message)
        return Status(422, {"detail": message, "field": "file"})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(content)
        try:
            result = check(path)
        except InputError as exc:
            errors = [e.as_dict() for e in exc.errors[:200]]
            return Status(422, {"detail": _("The workbook has %(n)d errors; nothing was computed. Correct them and "
                                            "upload it again.") % {"n": len(exc.errors)}, "field": "file",
                                "errors": errors})
    if then is not None:
        return then(result, content)
    return result.to_json()


@router.post("/projects/check", response={200: dict})
def project_check(request, file: File[UploadedFile]):
    """Project reductions from a workbook (`tancert project template`): the keys of `tancert project check --json`."""
    return _run(file, projects.check)


@router.post("/events/check", response={200: dict})
def event_check(request, file: File[UploadedFile]):
    """Event carbon neutrality from a workbook (`tancert event template`): the keys of `tancert event check --json`."""
    return _run(file, events.check)


@router.post("/events/register", response={201: dict})
def event_register(request, file: File[UploadedFile]):
    """The client registers its event's retired offsets: each serial offsets once in the whole platform (422 with
    the serials already used); answers the check as `/events/check` plus `registered` (the serials recorded)."""
    user = request.user
    if not user.is_client or user.organisation_id is None:
        raise PermissionDenied(_("Only the organisation itself registers the offsets of its event."))

    def register(result, content):
        rows = register_event_offsets(user.organisation, by=user, result=result, content=content)
        return Status(201, result.to_json() | {"registered": [r.serial_as_given for r in rows]})

    return _run(file, events.check, register)


def _template(write, example: bool, name: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / name, example=example)
        data = path.read_bytes()
    return FileResponse(BytesIO(data), as_attachment=True, filename=name, content_type=XLSX)


@router.get("/projects/template", response={200: None})
def project_workbook(request, example: bool = False):
    """The project workbook template (with the worked example when `example` is true)."""
    return _template(project_template, example, "project.xlsx")


@router.get("/events/template", response={200: None})
def event_workbook(request, example: bool = False):
    """The event workbook template (with the worked example when `example` is true)."""
    return _template(event_template, example, "event.xlsx")
