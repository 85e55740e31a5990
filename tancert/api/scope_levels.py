"""The levels of carbon management an application covers (R5.a–d) over the API: read them, replace them, and
the catalogue of standards each level offers (docs/scope-levels.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Router, Schema
from pydantic import Field

from tancert.api.schemas import Id
from tancert.clients.access import applications_for
from tancert.clients.profile import actions as profile
from tancert.clients.scopes import rules as scopes
from tancert.scheme import levels as catalogue
from tancert.ui.walls import get_or_404

router = Router(tags=["scope levels"])

Text = Annotated[str, Field(max_length=catalogue.MAX_TEXT)]


class ScopeLevelIn(Schema):
    level: Literal["product", "project", "activity"]
    standard: Annotated[str, Field(max_length=40)]
    standard_name: Text = ""
    covers: Annotated[list[Text], Field(max_length=catalogue.MAX_COVERS)]


class ScopeLevelsIn(Schema):
    levels: Annotated[list[ScopeLevelIn], Field(max_length=len(catalogue.OPTIONAL))]


class ScopeLevelOut(Schema):
    level: str
    rule: str
    level_zh: str
    level_en: str
    standard: str
    standard_zh: str
    standard_en: str
    covers: list[str]


class ScopeLevelsOut(Schema):
    application_id: int
    levels: list[ScopeLevelOut]


class StandardOut(Schema):
    code: str
    label_zh: str
    label_en: str
    named: bool


class LevelCatalogueOut(Schema):
    level: str
    rule: str
    name_zh: str
    name_en: str
    standards: list[StandardOut]


def _out(app):
    return {"application_id": app.pk, "levels": scopes.entries(app)}


@router.get("/applications/{app_id}/scope-levels", response=ScopeLevelsOut)
def get_scope_levels(request, app_id: Id):
    """The levels the CMS covers: the organisation (R5.a) always, then each level recorded (R5.b–d)."""
    return _out(get_or_404(applications_for(request.user), pk=app_id))


@router.put("/applications/{app_id}/scope-levels", response=ScopeLevelsOut)
def put_scope_levels(request, app_id: Id, payload: ScopeLevelsIn):
    """Replace the levels beyond the organisation (a level left out is not covered). A level without its standard
    or without what it covers is a 422 with the level's rule key (R5.b, R5.c, R5.d) and the field."""
    app = get_or_404(applications_for(request.user), pk=app_id)
    given = scopes.levels_from_list([item.dict() for item in payload.levels])
    profile.set_scope_levels(app, by=request.user, levels=given)
    app.refresh_from_db()
    return _out(app)


@router.get("/scope-levels/standards", response=list[LevelCatalogueOut])
def standards(request):
    """The catalogue: for each level beyond the organisation, the standards it offers (a named one is a national,
    industry, local or group standard — or a project methodology — that the client names)."""
    cat = catalogue.catalogue()
    return [{"level": code, "rule": cat[code].rule, "name_zh": cat[code].name_zh, "name_en": cat[code].name_en,
             "standards": [{"code": s.code, "label_zh": s.label_zh(), "label_en": s.label_en(),
                            "named": bool(s.named)} for s in cat[code].standards]}
            for code in catalogue.OPTIONAL]
