"""The structured application data (R7.1) over the API: details, sites, other certifications,
carbon-market years, targets and action plans."""

from __future__ import annotations

from ninja import Router, Schema, Status

from tancert.api.clients import router as clients_router
from tancert.api.schemas import Amount, ApplicationOut, Count, Day, Id, OrganisationOut, Year
from tancert.clients.access import applications_for, organisations_for
from tancert.clients.profile import actions as profile
from tancert.ui.walls import get_or_404

router = Router(tags=["application data"])
# PATCH shares its path with the GET in the clients router; Ninja serves one path from one router.


class ApplicationPatch(Schema):
    scope: str | None = None
    cms_started_on: Day | None = None
    industry_requirement: str | None = None
    industry_code: Count | None = None
    licences_applicable: bool | None = None
    licences: str | None = None
    compliance_applicable: bool | None = None
    compliance_info: str | None = None
    simple_process: bool | None = None
    simple_process_grounds: str | None = None
    base_year: Year | None = None
    baseline_emissions: Amount | None = None
    significant_sources: Count | None = None
    process_emissions: bool | None = None
    continuous_measurement_systems: Count | None = None


@clients_router.patch("/applications/{app_id}", response=ApplicationOut)
def update_application(request, app_id: Id, payload: ApplicationPatch):
    app = get_or_404(applications_for(request.user), pk=app_id)
    return profile.update_application(app, by=request.user, **payload.dict(exclude_none=True))


class OrganisationPatch(Schema):
    name: str | None = None
    registered_address: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    employees: Count | None = None
    technical_areas: list[str] | None = None


@clients_router.patch("/organisations/{org_id}", response=OrganisationOut)
def update_organisation(request, org_id: Id, payload: OrganisationPatch):
    org = get_or_404(organisations_for(request.user), pk=org_id)
    return profile.update_organisation(org, by=request.user, **payload.dict(exclude_none=True))


class ApplicationDataCreated(Schema):
    kind: str
    id: int


class SiteIn(Schema):
    name: str
    address: str
    kind: str = "permanent"


class CertificationIn(Schema):
    standard: str
    number: str
    issuer: str
    valid_until: Day


class MarketYearIn(Schema):
    year: Year
    market: str
    verified: bool = False
    verifier: str = ""


class TargetIn(Schema):
    indicator: str
    kind: str
    unit: str
    baseline_value: Amount
    target_value: Amount
    target_year: Year


class ActionPlanIn(Schema):
    title: str
    responsible: str
    due: Day
    expected_reduction: Amount | None = None


def _org(request, org_id):
    return get_or_404(organisations_for(request.user), pk=org_id)


def _app(request, app_id):
    return get_or_404(applications_for(request.user), pk=app_id)


def _created(obj):
    return Status(201, {"kind": obj._meta.model_name, "id": obj.pk})


@router.post("/organisations/{org_id}/sites", response={201: ApplicationDataCreated})
def add_site(request, org_id: Id, payload: SiteIn):
    return _created(profile.add_site(_org(request, org_id), by=request.user, **payload.dict()))


@router.post("/organisations/{org_id}/certifications", response={201: ApplicationDataCreated})
def add_certification(request, org_id: Id, payload: CertificationIn):
    return _created(profile.add_held_certification(_org(request, org_id), by=request.user, **payload.dict()))


@router.post("/organisations/{org_id}/carbon-market-years", response={201: ApplicationDataCreated})
def add_market_year(request, org_id: Id, payload: MarketYearIn):
    return _created(profile.add_carbon_market_year(_org(request, org_id), by=request.user, **payload.dict()))


@router.post("/applications/{app_id}/targets", response={201: ApplicationDataCreated})
def add_target(request, app_id: Id, payload: TargetIn):
    return _created(profile.add_target(_app(request, app_id), by=request.user, **payload.dict()))


@router.post("/applications/{app_id}/action-plans", response={201: ApplicationDataCreated})
def add_action_plan(request, app_id: Id, payload: ActionPlanIn):
    return _created(profile.add_action_plan(_app(request, app_id), by=request.user, **payload.dict()))


@router.delete("/application-data/{kind}/{item_id}", response={204: None})
def remove(request, kind: str, item_id: Id):
    """Remove a site, certification, carbon-market year, target or action plan (kind = its model name)."""
    if kind not in profile.REMOVABLE:
        from django.http import Http404

        raise Http404
    profile.remove_item(kind, item_id, by=request.user)
    return Status(204, None)


class SimpleProcessJudgementIn(Schema):
    holds: bool
    reason: str


class SimpleProcessJudgementOut(Schema):
    holds: bool
    reason: str


@router.post("/applications/{app_id}/simple-process-judgement", response=SimpleProcessJudgementOut)
def judge_simple_process(request, app_id: Id, payload: SimpleProcessJudgementIn):
    """The programme manager judges the client's grounds for a simple process (R7.4.1-O2)."""
    app = profile.judge_simple_process(get_or_404(applications_for(request.user), pk=app_id), by=request.user,
                                       **payload.dict())
    return {"holds": app.simple_process_judged, "reason": app.simple_process_judgement}
