"""The levels of carbon management an application covers (R5.a–d, docs/scope-levels.md): record them, read them
for audit time, checklist, report and certificate, and refuse a submission whose levels are incomplete."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tancert.clients.models import Application, ScopeLevel
from tancert.records import chain
from tancert.scheme import levels as catalogue
from tancert.scheme.violations import RuleViolation, require


def _require_own(by, app: Application) -> None:
    if not by.is_authenticated or by.organisation_id != app.organisation_id:
        raise PermissionDenied(_("Only the organisation's own users can do this."))


def _rows(app: Application) -> list[ScopeLevel]:
    order = {code: i for i, code in enumerate(catalogue.ORDER)}
    return sorted(app.scope_levels.all(), key=lambda r: order.get(r.level, 99))


def entries(app: Application | None) -> list[dict]:
    """The levels as shown and frozen (scheme/levels.describe): the organisation first, always, then each level
    the application records. None (a certificate transferred in without an application here) gives []."""
    if app is None:
        return []
    return [catalogue.describe(catalogue.ORGANISATION)] + [
        catalogue.describe(r.level, r.standard, r.standard_name, r.covers) for r in _rows(app)]


def level_codes(app: Application | None) -> frozenset[str]:
    """The levels for audit time (R7.3.3, planning/audittime.SCOPE_LEVELS): organisation plus those recorded."""
    if app is None:
        return frozenset({catalogue.ORGANISATION})
    return frozenset({catalogue.ORGANISATION, *(r.level for r in app.scope_levels.all())})


def levels_from_list(items: list[Mapping]) -> dict[str, Mapping]:
    """[{"level", "standard", "standard_name", "covers"}, …] (the API's shape) as the actions' mapping; a level
    given twice is refused with its key."""
    given: dict[str, Mapping] = {}
    for item in items:
        level = item["level"]
        # enforces: R5.b R5.c R5.d
        require(level not in given, catalogue.RULE.get(level, "R5.b"), _("Each level may be given once."),
                field="levels")
        given[level] = item
    return given


def check_levels(levels: Mapping[str, Mapping | None]) -> tuple[list[catalogue.Chosen], list[RuleViolation]]:
    """Every level given, checked: (the good ones, the first problem of each bad one)."""
    unknown = set(levels) - set(catalogue.OPTIONAL)
    if unknown:
        raise ValueError(f"unknown scope levels {sorted(unknown)}")
    chosen, problems = [], []
    for level in catalogue.OPTIONAL:
        spec = levels.get(level)
        if spec is None:
            continue
        try:
            chosen.append(catalogue.check(level, spec.get("standard", ""), spec.get("standard_name", ""),
                                          spec.get("covers", ())))
        except RuleViolation as v:
            problems.append(v)
    return chosen, problems


def set_scope_levels(app: Application, *, by, levels: Mapping[str, Mapping | None]) -> list[ScopeLevel]:
    """Record the levels beyond the organisation that the CMS covers: {level: {"standard", "standard_name",
    "covers"}}; a level left out (or None) is not covered. The whole set is replaced, while the application is a
    draft or under supplement (R7.2-supplement)."""
    _require_own(by, app)
    chosen, problems = check_levels(levels)
    if problems:
        raise problems[0]
    with transaction.atomic():
        # The application row is the lock: two saves at once replace the set one after the other, and
        # one_scope_level_per_application stands behind it.
        locked = Application.objects.select_for_update().get(pk=app.pk)
        require(locked.status in (Application.DRAFT, Application.SUPPLEMENT), "R7.2-supplement",
                _("The application is under review; it can be changed only when the reviewer asks for a "
                  "supplement."), field="status")
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


def scope_problems(app: Application) -> list[RuleViolation]:
    """Levels recorded but no longer complete (a catalogue change, data entered before the check): each blocks
    the submission with its level's key."""
    _chosen, problems = check_levels({r.level: {"standard": r.standard, "standard_name": r.standard_name,
                                                "covers": r.covers} for r in app.scope_levels.all()})
    return problems
