"""The rules of an application's scope levels (R5.a–d, docs/scope-levels.md) that other parts read: the levels as
shown and frozen, the codes for audit time, the checks of a set of levels and the problems that block a
submission. No state change here (the action is profile/actions.set_scope_levels, beside the other application data), so the application's own actions may import
it without a circle."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from tancert.clients.models import Application, ScopeLevel
from tancert.scheme import levels as catalogue
from tancert.scheme.violations import RuleViolation, require


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


def scope_problems(app: Application) -> list[RuleViolation]:
    """Levels recorded but no longer complete (a catalogue change, data entered before the check): each blocks
    the submission with its level's key."""
    _chosen, problems = check_levels({r.level: {"standard": r.standard, "standard_name": r.standard_name,
                                                "covers": r.covers} for r in app.scope_levels.all()})
    return problems
