"""The structured part of an application (R7.1): organisation data, sites, other certifications,
carbon-market years, baseline, targets and action plans. Later stages read these as data
(planning: O1–O3, sites, employees; the audit report: baseline and targets)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.clients.actions import check_industry
from tancert.clients.models import (
    ActionPlan,
    Application,
    CarbonMarketYear,
    CarbonTarget,
    HeldCertification,
    Organisation,
    ScopeLevel,
    Site,
)
from tancert.clients.scopes.rules import check_levels, entries
from tancert.records import chain
from tancert.scheme import levels as catalogue
from tancert.scheme import rulebook
from tancert.scheme.violations import RuleViolation, require

APPLICATION_FIELDS = ("scope", "cms_started_on", "industry_code", "industry_requirement", "licences_applicable", "licences",
                      "compliance_applicable", "compliance_info", "simple_process", "simple_process_grounds",
                      "base_year", "baseline_emissions", "significant_sources", "process_emissions",
                      "continuous_measurement_systems")
ORGANISATION_FIELDS = ("name", "registered_address", "address", "legal_representative", "contact_name",
                       "contact_phone", "contact_email", "employees", "technical_areas")


def _require_own(by, org_id: int) -> None:
    if not by.is_authenticated or by.organisation_id != org_id:
        raise PermissionDenied(_("Only the organisation's own users can do this."))


def _require_draft(app: Application) -> None:
    require(app.status in (Application.DRAFT, Application.SUPPLEMENT), "R7.2-supplement",
            _("The application is under review; it can be changed only when the reviewer asks for a supplement."),
            field="status")


def _year(value, field: str, key: str) -> int:
    this_year = timezone.localdate().year
    require(value is not None and 1990 <= int(value) <= this_year + 30, key,
            _("Give a year between 1990 and %(max)d."), field=field, params={"max": this_year + 30})
    return int(value)


def _number(value, field: str, key: str, *, positive: bool = False) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation(key, _("Enter a number."), field=field) from None
    require(number > 0 if positive else number >= 0, key, _("The number cannot be negative or zero.")
            if positive else _("The number cannot be negative."), field=field)
    return number


def update_application(app: Application, *, by, **fields) -> Application:
    """Edit the application's data while it is a draft or under supplement."""
    _require_own(by, app.organisation_id)
    _require_draft(app)
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if "industry_code" in fields or "industry_requirement" in fields:
        fields["industry_code"] = check_industry(fields.get("industry_code", app.industry_code),
                                                 fields.get("industry_requirement", app.industry_requirement))
    if "scope" in fields:
        require(bool(str(fields["scope"]).strip()), "R7.1-D1", _("Describe the scope of the carbon management "
                                                                  "system."), field="scope")
    started = fields.get("cms_started_on")
    if started is not None:
        require(started <= timezone.localdate(), "R7.1-C2", _("The CMS start date cannot be in the future."),
                field="cms_started_on")
    if fields.get("base_year") is not None:
        fields["base_year"] = _year(fields["base_year"], "base_year", "R7.1-D11")
    if fields.get("baseline_emissions") is not None:
        fields["baseline_emissions"] = _number(fields["baseline_emissions"], "baseline_emissions", "R7.1-D11")
    for name in ("significant_sources", "continuous_measurement_systems"):
        if fields.get(name) is not None:
            require(int(fields[name]) >= 0, "R7.3.1", _("The number cannot be negative."), field=name)
    if fields.get("simple_process"):
        require(bool(str(fields.get("simple_process_grounds", app.simple_process_grounds)).strip()),
                "R7.4.1-O2", _("State the grounds for a simple process."), field="simple_process_grounds")
    changed = {k: v for k, v in fields.items() if getattr(app, k) != v}
    if not changed:
        return app
    with transaction.atomic():
        for k, v in changed.items():
            setattr(app, k, v)
        if {"simple_process", "simple_process_grounds"} & set(changed) and app.simple_process_judged is not None:
            # New grounds are judged anew (R7.4.1-O2): the earlier judgement was about other grounds.
            app.simple_process_judged, app.simple_process_judgement = None, ""
            app.simple_process_judged_by, app.simple_process_judged_at = None, None
            changed |= {"simple_process_judged": None, "simple_process_judgement": ""}
        app.save(update_fields=list(changed) + ["simple_process_judged_by", "simple_process_judged_at"])
        chain.append("application.updated", subject=app, by=by, organisation=app.organisation_id,
                     summary="修改申请信息：" + "、".join(str(Application._meta.get_field(k).verbose_name)
                                                        for k in changed),
                     data={k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in changed.items()})
    return app


def update_organisation(org: Organisation, *, by, **fields) -> Organisation:
    _require_own(by, org.pk)
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if "employees" in fields:
        require(fields["employees"] is not None and int(fields["employees"]) >= 0, "R7.3.1",
                _("The number of employees cannot be negative."), field="employees")
    if "technical_areas" in fields:
        areas = [str(a) for a in fields["technical_areas"]]
        require(all(a.isdigit() and int(a) in rulebook.TECHNICAL_AREAS for a in areas), "RA",
                _("Choose technical areas from Appendix A (codes 1–21)."), field="technical_areas")
        fields["technical_areas"] = areas
    if "name" in fields:
        require(bool(str(fields["name"]).strip()), "R7.1-C1", _("Enter the legal name as on the business licence."),
                field="name")
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    if not changed:
        return org
    with transaction.atomic():
        for k, v in changed.items():
            setattr(org, k, v)
        org.save(update_fields=list(changed))
        chain.append("organisation.updated", subject=org, by=by, organisation=org,
                     summary="修改组织信息：" + "、".join(str(Organisation._meta.get_field(k).verbose_name)
                                                        for k in changed),
                     data={k: v for k, v in changed.items()})
    return org


def _add(obj, *, by, org_id: int, action: str, summary: str, data: dict):
    with transaction.atomic():
        obj.save()
        chain.append(action, subject=(obj._meta.model_name, obj.pk), by=by, organisation=org_id, summary=summary,
                     data=data)
    return obj


def add_site(org: Organisation, *, by, name: str, address: str, kind: str = Site.PERMANENT) -> Site:
    _require_own(by, org.pk)
    require(bool(name.strip()) and bool(address.strip()), "R7.1-D8", _("Give the site's name and address."),
            field="name")
    require(kind in dict(Site.KINDS), "R7.1-D8", _("A site is permanent or temporary."), field="kind")
    return _add(Site(organisation=org, name=name.strip(), address=address.strip(), kind=kind), by=by, org_id=org.pk,
                action="organisation.site_added", summary=f"增加场所：{name.strip()}（{address.strip()}）",
                data={"name": name, "address": address, "kind": kind})


def add_held_certification(org: Organisation, *, by, standard: str, number: str, issuer: str,
                           valid_until: date) -> HeldCertification:
    _require_own(by, org.pk)
    require(standard in dict(HeldCertification.STANDARDS), "R7.4.1-O1", _("Choose the management system."),
            field="standard")
    require(bool(number.strip()) and bool(issuer.strip()), "R7.4.1-O1",
            _("Give the certificate number and the certification body."), field="number")
    return _add(HeldCertification(organisation=org, standard=standard, number=number.strip(), issuer=issuer.strip(),
                                  valid_until=valid_until), by=by, org_id=org.pk,
                action="organisation.certification_added",
                summary=f"登记已获 {standard} 认证证书 {number.strip()}（{issuer.strip()}，有效期至 {valid_until}）",
                data={"standard": standard, "number": number, "issuer": issuer, "valid_until": str(valid_until)})


def add_carbon_market_year(org: Organisation, *, by, year: int, market: str, verified: bool,
                           verifier: str = "") -> CarbonMarketYear:
    _require_own(by, org.pk)
    year = _year(year, "year", "R7.4.1-O3")
    require(year <= timezone.localdate().year, "R7.4.1-O3", _("A reported year cannot be in the future."),
            field="year")
    require(bool(market.strip()), "R7.4.1-O3", _("Name the carbon market (national or pilot)."), field="market")
    require(not verified or bool(verifier.strip()), "R7.4.1-O3", _("Name the third-party verification body."),
            field="verifier")
    require(not org.carbon_market_years.filter(year=year, market=market.strip()).exists(), "R7.4.1-O3",
            _("This year is already listed for this market."), field="year")
    return _add(CarbonMarketYear(organisation=org, year=year, market=market.strip(), verified=verified,
                                 verifier=verifier.strip()), by=by, org_id=org.pk,
                action="organisation.market_year_added",
                summary=f"登记 {year} 年{market.strip()}排放报告" + ("，已通过第三方核查" if verified else ""),
                data={"year": year, "market": market, "verified": verified, "verifier": verifier})


def add_target(app: Application, *, by, indicator: str, kind: str, unit: str, baseline_value, target_value,
               target_year: int) -> CarbonTarget:
    _require_own(by, app.organisation_id)
    _require_draft(app)
    require(bool(indicator.strip()) and bool(unit.strip()), "R7.1-D11", _("Name the indicator and its unit."),
            field="indicator")
    require(kind in dict(CarbonTarget.KINDS), "R7.1-D11", _("Choose absolute or intensity."), field="kind")
    baseline = _number(baseline_value, "baseline_value", "R7.1-D11")
    target = _number(target_value, "target_value", "R7.1-D11")
    year = _year(target_year, "target_year", "R7.1-D11")
    require(app.base_year is None or year > app.base_year, "R7.1-D11",
            _("The target year must come after the base year."), field="target_year")
    return _add(CarbonTarget(application=app, indicator=indicator.strip(), kind=kind, unit=unit.strip(),
                             baseline_value=baseline, target_value=target, target_year=year),
                by=by, org_id=app.organisation_id, action="application.target_added",
                summary=f"碳目标：{indicator.strip()} 由 {baseline} 至 {target} {unit.strip()}（{year} 年）",
                data={"indicator": indicator, "kind": kind, "unit": unit, "baseline": str(baseline),
                      "target": str(target), "year": year})


def add_action_plan(app: Application, *, by, title: str, responsible: str, due: date,
                    expected_reduction=None) -> ActionPlan:
    _require_own(by, app.organisation_id)
    _require_draft(app)
    require(bool(title.strip()) and bool(responsible.strip()), "R7.1-D11",
            _("Name the measure and who is responsible."), field="title")
    reduction = _number(expected_reduction, "expected_reduction", "R7.1-D11") \
        if expected_reduction not in (None, "") else None
    return _add(ActionPlan(application=app, title=title.strip(), responsible=responsible.strip(), due=due,
                           expected_reduction=reduction), by=by, org_id=app.organisation_id,
                action="application.action_plan_added",
                summary=f"碳管理措施计划：{title.strip()}（{responsible.strip()}，{due}）",
                data={"title": title, "responsible": responsible, "due": str(due),
                      "expected_reduction": str(reduction) if reduction is not None else None})


REMOVABLE = {"site": Site, "heldcertification": HeldCertification, "carbonmarketyear": CarbonMarketYear,
             "carbontarget": CarbonTarget, "actionplan": ActionPlan}


def remove_item(kind: str, pk: int, *, by) -> None:
    model = REMOVABLE[kind]
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied
    org_id = obj.organisation_id if hasattr(obj, "organisation_id") else obj.application.organisation_id
    _require_own(by, org_id)
    if hasattr(obj, "application"):
        _require_draft(obj.application)
    with transaction.atomic():
        label = str(obj.__dict__.get("name") or obj.__dict__.get("title") or obj.__dict__.get("indicator")
                    or obj.__dict__.get("number") or obj.__dict__.get("year"))
        chain.append(f"organisation.{kind}_removed", subject=(kind, pk), by=by, organisation=org_id,
                     summary=f"删除{model._meta.verbose_name}：{label}", data={"kind": kind, "id": pk})
        obj.delete()


def judge_simple_process(app: Application, *, by, holds: bool, reason: str) -> Application:
    """The programme manager judges the client's grounds for O2 (technology evident, processes simple):
    yes or no, with the reason (R7.4.1-O2). Only a "yes" lets stage 1 be off site under O2."""
    from tancert.people.actions import require_role
    from tancert.people.models import Role

    require_role(by, Role.PROGRAMME_MANAGER)
    require(app.simple_process and bool(app.simple_process_grounds.strip()), "R7.4.1-O2",
            _("The client has not stated grounds for a simple process: there is nothing to judge."),
            field="simple_process")
    reason = (reason or "").strip()
    require(bool(reason), "R7.4.1-O2", _("Give the reason for the judgement."), field="reason")
    with transaction.atomic():
        app.simple_process_judged, app.simple_process_judgement = bool(holds), reason
        app.simple_process_judged_by, app.simple_process_judged_at = by, timezone.now()
        app.save(update_fields=["simple_process_judged", "simple_process_judgement", "simple_process_judged_by",
                                "simple_process_judged_at"])
        chain.append("application.simple_process_judged", subject=app, by=by, organisation=app.organisation_id,
                     summary=f"方案管理人员判定“技术明晰、过程简单”的依据{'充分' if holds else '不充分'}：{reason[:120]}",
                     data={"holds": bool(holds), "reason": reason, "grounds": app.simple_process_grounds})
    return app


def set_scope_levels(app: Application, *, by, levels: Mapping[str, Mapping | None]) -> list[ScopeLevel]:
    """Record the levels beyond the organisation that the CMS covers: {level: {"standard", "standard_name",
    "covers"}}; a level left out (or None) is not covered. The whole set is replaced, while the application is a
    draft or under supplement (R7.2-supplement)."""
    _require_own(by, app.organisation_id)
    chosen, problems = check_levels(levels)
    if problems:
        raise problems[0]
    with transaction.atomic():
        # The application row is the lock: two saves at once replace the set one after the other, and
        # one_scope_level_per_application stands behind it.
        locked = Application.objects.select_for_update().get(pk=app.pk)
        _require_draft(locked)  # R7.2-supplement
        before = entries(locked)
        locked.scope_levels.all().delete()
        rows = ScopeLevel.objects.bulk_create([
            ScopeLevel(application=locked, level=c.level, standard=c.standard, standard_name=c.standard_name,
                       covers=list(c.covers)) for c in chosen])
        after = entries(locked)
        if after != before:
            chain.append("application.scope_levels_set", subject=locked, by=by, organisation=locked.organisation_id,
                         summary="确定碳管理覆盖的量化层面：" + catalogue.text_zh(after),
                         data={"levels": [{"level": c.level, "standard": c.standard, "standard_name": c.standard_name,
                                           "covers": list(c.covers)} for c in chosen],
                               "catalogue": catalogue.version()})
    return rows
