"""Checking a product carbon footprint workbook over the API (docs/footprint.md, "API").

Any signed-in person (staff or client) may check a workbook: the answer is computed from the uploaded file
alone, nothing is stored and no other organisation's data is read, so the only wall is the sign-in. The file
passes the upload gate (tancert/records/uploads.py: type by content, zip limits) and is read and solved in a
child process bounded like an inventory's (tancert/footprint/isolated.py); a refusal is 422 with the errors
by sheet, row and column, in English and Chinese.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tancert.footprint import InputError, isolated
from tancert.ghg.cli import _finite
from tancert.records import uploads
from tancert.scheme.violations import RuleViolation

router = Router(tags=["product carbon footprint"])
MAX_ITERATIONS = 10_000  # a Monte Carlo beyond this is for the command line, not a request


class FootprintRejected(RuleViolation):
    """A footprint workbook that cannot be read or solved: nothing was computed (R6.3-pcf: the data of a
    product footprint)."""

    def __init__(self, message, errors: list[dict] | None = None, **params):
        super().__init__("R6.3-pcf", message, field="file", params=params)
        self.errors = errors or []

    def as_dict(self) -> dict:
        return super().as_dict() | {"errors": self.errors}


class CheckQuery(Schema):
    monte_carlo: Annotated[int, Field(ge=0, le=MAX_ITERATIONS)] = 0


class FootprintOut(Schema):
    product: str
    functional_unit: dict
    boundary: str
    gwp: str
    total_kgco2e_per_unit: float | None
    by_stage: dict
    by_process: list[dict]
    by_gas: dict
    by_origin: dict
    biogenic: dict
    land_use_change_kgco2e: float | None
    primary_data_share: float | None
    data_quality: dict
    allocation_sensitivity: dict
    uncertainty: dict
    findings: list[dict]
    blocking: bool
    factors_used: list[dict]
    inputs_sha256: str


def check_upload(content: bytes, filename: str, monte_carlo: int = 0) -> dict:
    verdict = uploads.examine(content, allowed=("xlsx",))
    if not verdict.ok:
        raise FootprintRejected(verdict.message, **verdict.params)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{Path(filename or '').stem[:80] or 'footprint'}.xlsx"
        path.write_bytes(content)
        try:
            result = isolated.run(path, memory=settings.TANCERT_INVENTORY_MEMORY_BYTES,
                                  seconds=settings.TANCERT_INVENTORY_SECONDS,
                                  options={"monte_carlo": monte_carlo or None})
        except InputError as exc:
            errors = [e.as_dict() for e in exc.errors]
            raise FootprintRejected(_("The footprint workbook has %(n)d errors; nothing was computed. Correct them "
                                      "and upload it again."), errors, n=len(errors)) from None
    return _finite(result)


@router.post("/footprints/check", response={200: FootprintOut})
def check_footprint(request, file: File[UploadedFile], query: Query[CheckQuery]):
    """Check a product carbon footprint workbook (multipart `file`: the `tancert footprint template`, .xlsx):
    the footprint per unit by stage, process, gas and origin, primary data share, uncertainty, findings with
    their rule keys and the factors used. Nothing is stored."""
    content = file.read(uploads.largest_limit() + 1)
    return check_upload(content, file.name, query.monte_carlo)
