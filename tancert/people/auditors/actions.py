"""State changes of the auditor register (R4, R7.3.2). Each checks the rule, then changes the data and
appends the record in one transaction.

Who may act:

* system administrators and programme managers keep everyone's register;
* an auditor or technical expert may declare their own conflicts of interest and enter their own
  unavailability (and withdraw their own unavailability — not a conflict declaration, which only the
  office may withdraw, so that nobody quietly clears their own impartiality record);
* everyone else, clients above all, nothing.

Rule keys:

* R4.A1 — CCAA registration; R4.A2 — work experience; R4.A3 — CMS competence and the competence
  evaluations per Appendix A area × function; R4.CPD — the yearly plan and each person's training.
* R7.3.2 — the GHG manager (温室气体管理师) and other qualifications the team must hold.
* Conflicts of interest and unavailability: the scheme has no personnel impartiality rule (R4.CB is
  about the body's legal record, not people). R7.3.2 is the rule that makes the body compose a team
  fit to audit *this* client, and the team check (audits/planning/teams.py) cites it for conflicts
  and double bookings — so these declarations cite it too.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.people import creditcode
from tancert.people.actions import require_role
from tancert.people.models import Role, User
from tancert.people.models.auditors import (
    AuditorRecord,
    CcaaRegistration,
    CompetenceEvaluation,
    ConflictDeclaration,
    CpdPlan,
    CpdRecord,
    Experience,
    Grade,
    Qualification,
    QualificationType,
    Unavailability,
    client_organisations,
)
from tancert.records import chain
from tancert.scheme import rulebook
from tancert.scheme.violations import RuleViolation, require

EDITORS = (Role.SYSTEM_ADMIN, Role.PROGRAMME_MANAGER)
SELF_SERVICE = (Role.AUDITOR, Role.TECHNICAL_EXPERT)
GHG_MANAGER = "ghg-manager"  # the seeded QualificationType (migration 0003)
FIRST_YEAR = 2000  # CPD years before this are typing mistakes
GRADE_ZH = {Grade.PROVISIONAL: "实习审核员", Grade.AUDITOR: "审核员", Grade.SENIOR: "高级审核员"}
FIELD_ZH = {Experience.ENERGY: "能源管理", Experience.ENVIRONMENT: "环境管理", Experience.CARBON: "碳领域"}
FUNCTION_ZH = {"auditor": "审核员", "technical_expert": "技术专家", "team_leader": "审核组长",
               "decision_maker": "认证决定人员", "application_reviewer": "申请评审人员"}
CONFLICT_ZH = {ConflictDeclaration.CONSULTED: "曾为其提供咨询", ConflictDeclaration.EMPLOYED: "曾受雇于",
               ConflictDeclaration.OTHER: "存在其他关系"}


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------


def can_edit(by) -> bool:
    """May keep everyone's register."""
    return by is not None and by.is_authenticated and by.has_role(*EDITORS)


def can_self_serve(by, user) -> bool:
    """May declare own conflicts and own unavailability."""
    return by is not None and by.is_authenticated and by.pk == user.pk and by.has_role(*SELF_SERVICE)


def _require_editor(by) -> None:
    require_role(by, *EDITORS)


def _require_editor_or_self(by, user) -> None:
    if not can_self_serve(by, user):
        _require_editor(by)


def _require_staff(user: User) -> None:
    if user is None or user.is_client:
        raise PermissionDenied(_("The auditor register is kept for the body's own staff only."))


# ---------------------------------------------------------------------------------------------
# Checks shared by the actions
# ---------------------------------------------------------------------------------------------


def _text(value, key: str, field: str, message) -> str:
    value = str(value or "").strip()
    require(bool(value), key, message, field=field)
    return value


def _in_order(start: date | None, end: date | None, key: str, field: str) -> None:
    require(start is None or end is None or start <= end, key,
            _("The end date cannot be before the start date."), field=field)


def _not_future(day: date | None, key: str, field: str) -> None:
    require(day is None or day <= timezone.localdate(), key, _("This date cannot be in the future."), field=field)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _add(obj, *, by, user: User, action: str, summary: str, data: dict):
    with transaction.atomic():
        obj.save()
        chain.append(action, subject=user, by=by, summary=summary, data={"id": obj.pk, **data})
    return obj


# ---------------------------------------------------------------------------------------------
# R4.A1 CCAA registration
# ---------------------------------------------------------------------------------------------


def add_registration(user: User, *, by, grade: str, number: str, valid_from: date, valid_to: date
                     ) -> CcaaRegistration:
    _require_editor(by)
    _require_staff(user)
    require(grade in Grade.values, "R4.A1", _("Choose a CCAA grade: provisional auditor, auditor or senior "
                                              "auditor."), field="grade")
    number = _text(number, "R4.A1", "number", _("Give the CCAA registration number."))
    require(valid_from is not None and valid_to is not None, "R4.A1",
            _("Give the dates from and to which the registration is valid."), field="valid_to")
    _in_order(valid_from, valid_to, "R4.A1", "valid_to")
    return _add(CcaaRegistration(user=user, grade=grade, number=number, valid_from=valid_from, valid_to=valid_to),
                by=by, user=user, action="register.registration_added",
                summary=f"登记 {_name(user)} 的 CCAA 注册：{GRADE_ZH[grade]}，{number}，{valid_from} 至 {valid_to}",
                data={"user": user.pk, "grade": grade, "number": number, "valid_from": str(valid_from),
                      "valid_to": str(valid_to)})


# ---------------------------------------------------------------------------------------------
# R7.3.2 qualifications (the GHG manager 温室气体管理师 and any other configured type)
# ---------------------------------------------------------------------------------------------


def add_qualification_type(*, by, code: str, name_zh: str, name_en: str, is_ghg_manager: bool = False
                           ) -> QualificationType:
    """A system administrator configures a qualification type."""
    require_role(by, Role.SYSTEM_ADMIN)
    code = _text(code, "R7.3.2", "code", _("Give the qualification type a short code.")).lower()
    require(all(c.isalnum() or c in "-_" for c in code), "R7.3.2",
            _("Use letters, digits, - and _ in the code."), field="code")
    require(not QualificationType.objects.filter(code=code).exists(), "R7.3.2",
            _("This code is already used."), field="code")
    name_zh = _text(name_zh, "R7.3.2", "name_zh", _("Give the Chinese name."))
    name_en = _text(name_en, "R7.3.2", "name_en", _("Give the English name."))
    with transaction.atomic():
        qt = QualificationType.objects.create(code=code, name_zh=name_zh, name_en=name_en,
                                              is_ghg_manager=bool(is_ghg_manager))
        chain.append("register.qualification_type_added", subject=qt, by=by,
                     summary=f"新增资格类型：{name_zh}（{code}）" + ("，视为温室气体管理师" if is_ghg_manager else ""),
                     data={"code": code, "name_zh": name_zh, "name_en": name_en,
                           "is_ghg_manager": bool(is_ghg_manager)})
    return qt


def add_qualification(user: User, *, by, type, issuer: str, number: str, valid_from: date, valid_to: date
                      ) -> Qualification:
    """``type`` is a QualificationType or its code (default use: the GHG manager)."""
    _require_editor(by)
    _require_staff(user)
    if not isinstance(type, QualificationType):
        type = QualificationType.objects.filter(code=str(type or "")).first()
    require(type is not None, "R7.3.2", _("Choose a qualification type."), field="type")
    issuer = _text(issuer, "R7.3.2", "issuer", _("Name the body that issued the qualification."))
    number = _text(number, "R7.3.2", "number", _("Give the certificate number of the qualification."))
    require(valid_from is not None and valid_to is not None, "R7.3.2",
            _("Give the dates from and to which the qualification is valid."), field="valid_to")
    _in_order(valid_from, valid_to, "R7.3.2", "valid_to")
    return _add(Qualification(user=user, type=type, issuer=issuer, number=number, valid_from=valid_from,
                              valid_to=valid_to), by=by, user=user, action="register.qualification_added",
                summary=f"登记 {_name(user)} 的{type.name_zh}资格：{issuer}，{number}，{valid_from} 至 {valid_to}",
                data={"user": user.pk, "type": type.code, "issuer": issuer, "number": number,
                      "valid_from": str(valid_from), "valid_to": str(valid_to)})


# ---------------------------------------------------------------------------------------------
# R4.A2 work experience
# ---------------------------------------------------------------------------------------------


def add_experience(user: User, *, by, field: str, employer: str, started_on: date, ended_on: date | None = None,
                   description: str = "") -> Experience:
    _require_editor(by)
    _require_staff(user)
    require(field in dict(Experience.FIELDS), "R4.A2",
            _("Choose energy management, environmental management or the carbon field."), field="field")
    employer = _text(employer, "R4.A2", "employer", _("Name the employer."))
    require(started_on is not None, "R4.A2", _("Give the start date."), field="started_on")
    _not_future(started_on, "R4.A2", "started_on")
    _in_order(started_on, ended_on, "R4.A2", "ended_on")
    description = str(description or "").strip()
    return _add(Experience(user=user, field=field, employer=employer, started_on=started_on, ended_on=ended_on,
                           description=description), by=by, user=user, action="register.experience_added",
                summary=f"登记 {_name(user)} 的{FIELD_ZH[field]}工作经历：{employer}，{started_on} 至 {ended_on or '今'}",
                data={"user": user.pk, "field": field, "employer": employer, "started_on": str(started_on),
                      "ended_on": str(ended_on) if ended_on else None, "description": description})


# ---------------------------------------------------------------------------------------------
# R4.A3 competence: the CMS evaluation, and competence per Appendix A area × function
# ---------------------------------------------------------------------------------------------


def add_competence(user: User, *, by, kind: str, evaluated_on: date, evidence: str, evaluator: str = "",
                   area: int | None = None, function: str = "") -> CompetenceEvaluation:
    """``kind`` "cms" (R4.A3, no area) or "area" (an Appendix A code 1–21 × a function)."""
    _require_editor(by)
    _require_staff(user)
    require(kind in dict(CompetenceEvaluation.KINDS), "R4.A3",
            _("Choose the CMS competence evaluation or a technical area and function."), field="kind")
    if kind == CompetenceEvaluation.AREA:
        try:
            area = int(area) if area not in (None, "") else None
        except (TypeError, ValueError):
            area = None
        require(area in rulebook.TECHNICAL_AREAS, "R4.A3",
                _("Choose a technical area from Appendix A (codes 1–21)."), field="area")
        require(function in dict(CompetenceEvaluation.FUNCTIONS), "R4.A3",
                _("Choose the function: auditor, technical expert, team leader, decision maker or application "
                  "reviewer."), field="function")
    else:
        area, function = None, ""
    require(evaluated_on is not None, "R4.A3", _("Give the evaluation date."), field="evaluated_on")
    _not_future(evaluated_on, "R4.A3", "evaluated_on")
    evidence = _text(evidence, "R4.A3", "evidence", _("Describe the evidence of the evaluation."))
    evaluator = str(evaluator or "").strip() or _name(by)
    what = "碳管理体系专业能力" if kind == CompetenceEvaluation.CMS else \
        f"专业领域 {area}（{rulebook.TECHNICAL_AREAS[area].name_zh}）{FUNCTION_ZH[function]}能力"
    return _add(CompetenceEvaluation(user=user, kind=kind, area=area, function=function, evaluated_on=evaluated_on,
                                     evaluator=evaluator[:100], evidence=evidence),
                by=by, user=user, action="register.competence_added",
                summary=f"登记 {_name(user)} 的{what}评价（{evaluated_on}，评价人 {evaluator}）",
                data={"user": user.pk, "kind": kind, "area": area, "function": function,
                      "evaluated_on": str(evaluated_on), "evaluator": evaluator, "evidence": evidence})


# ---------------------------------------------------------------------------------------------
# R4.CPD continuing education: the body's yearly plan, each person's training
# ---------------------------------------------------------------------------------------------


def _year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise RuleViolation("R4.CPD", _("Give a calendar year."), field="year") from None
    top = timezone.localdate().year + 1
    require(FIRST_YEAR <= year <= top, "R4.CPD", _("Give a year between %(min)d and %(max)d."), field="year",
            params={"min": FIRST_YEAR, "max": top})
    return year


def _hours(hours) -> Decimal:
    try:
        value = Decimal(str(hours if hours not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise RuleViolation("R4.CPD", _("Enter the hours as a number."), field="hours") from None
    require(value.is_finite() and Decimal(0) <= value <= Decimal(2000), "R4.CPD",
            _("Hours must be between 0 and 2000."), field="hours")
    return value.quantize(Decimal("0.1"))


def _completion(year: int, completed_on: date | None, hours: Decimal) -> None:
    if completed_on is None:
        return
    require(completed_on.year == year, "R4.CPD", _("The training of a year is completed within that year."),
            field="completed_on")
    _not_future(completed_on, "R4.CPD", "completed_on")
    require(hours > 0, "R4.CPD", _("Give the hours attended."), field="hours")


def set_cpd_plan(*, by, year: int, content: str) -> CpdPlan:
    """The body sets (or revises) the continuing-education content of a year."""
    _require_editor(by)
    year = _year(year)
    content = _text(content, "R4.CPD", "content", _("Describe the year's continuing-education content."))
    with transaction.atomic():
        plan, created = CpdPlan.objects.select_for_update().get_or_create(year=year, defaults={"content": content})
        if not created:
            plan.content = content
            plan.save(update_fields=["content"])
        chain.append("register.cpd_plan_set", subject=plan, by=by,
                     summary=f"{'制定' if created else '修订'} {year} 年度继续教育计划", data={"year": year,
                                                                                       "content": content})
    return plan


def add_cpd(user: User, *, by, year: int, content: str = "", hours=0, completed_on: date | None = None
            ) -> CpdRecord:
    """One person's training of a year; the content defaults to the body's plan for that year."""
    _require_editor(by)
    _require_staff(user)
    year = _year(year)
    content = str(content or "").strip()
    if not content:
        plan = CpdPlan.objects.filter(year=year).first()
        content = plan.content if plan else ""
    content = _text(content, "R4.CPD", "content",
                    _("Describe the training content, or set the body's plan for the year first."))
    hours = _hours(hours)
    _completion(year, completed_on, hours)
    return _add(CpdRecord(user=user, year=year, content=content, hours=hours, completed_on=completed_on),
                by=by, user=user, action="register.cpd_added",
                summary=f"登记 {_name(user)} 的 {year} 年度继续教育" + (
                    f"：{completed_on} 完成，{hours} 学时" if completed_on else "（计划）"),
                data={"user": user.pk, "year": year, "content": content, "hours": str(hours),
                      "completed_on": str(completed_on) if completed_on else None})


def complete_cpd(record: CpdRecord, *, by, completed_on: date, hours) -> CpdRecord:
    """Mark a planned training as attended."""
    _require_editor(by)
    hours = _hours(hours)
    require(completed_on is not None, "R4.CPD", _("Give the completion date."), field="completed_on")
    with transaction.atomic():
        record = CpdRecord.objects.select_for_update().select_related("user").get(pk=record.pk)
        require(record.completed_on is None, "R4.CPD", _("This training is already recorded as completed."),
                field="completed_on")
        _completion(record.year, completed_on, hours)
        record.completed_on, record.hours = completed_on, hours
        record.save(update_fields=["completed_on", "hours"])
        chain.append("register.cpd_completed", subject=record.user, by=by,
                     summary=f"{_name(record.user)} 完成 {record.year} 年度继续教育：{completed_on}，{hours} 学时",
                     data={"id": record.pk, "user": record.user_id, "year": record.year,
                           "completed_on": str(completed_on), "hours": str(hours)})
    return record


# ---------------------------------------------------------------------------------------------
# Conflicts of interest and unavailability (cited as R7.3.2, see the module docstring)
# ---------------------------------------------------------------------------------------------


def declare_conflict(user: User, *, by, kind: str, organisation=None, organisation_name: str = "",
                     credit_code: str = "", started_on: date | None = None, ended_on: date | None = None,
                     declared_on: date | None = None, note: str = "") -> ConflictDeclaration:
    """Consulted for / employed by an organisation (in the system or not). ``ended_on`` None: ongoing."""
    _require_editor_or_self(by, user)
    _require_staff(user)
    require(kind in dict(ConflictDeclaration.KINDS), "R7.3.2",
            _("Choose consulted for, employed by or another relationship."), field="kind")
    credit_code = creditcode.normalise(credit_code)
    if credit_code:
        require(creditcode.is_valid(credit_code), "R7.3.2",
                _("The unified social credit code is not valid (18 characters with a check character)."),
                field="credit_code")
        if organisation is None:  # a declared organisation that is (or became) a client: link it
            organisation = client_organisations().filter(credit_code=credit_code).first()
    organisation_name = str(organisation_name or "").strip()
    require(organisation is not None or bool(organisation_name), "R7.3.2",
            _("Choose the organisation or give its name."), field="organisation_name")
    _in_order(started_on, ended_on, "R7.3.2", "ended_on")
    declared_on = declared_on or timezone.localdate()
    _not_future(declared_on, "R7.3.2", "declared_on")
    name = organisation.name if organisation is not None else organisation_name
    return _add(ConflictDeclaration(user=user, organisation=organisation, organisation_name=organisation_name,
                                    credit_code=credit_code, kind=kind, started_on=started_on, ended_on=ended_on,
                                    declared_on=declared_on, note=str(note or "").strip()),
                by=by, user=user, action="register.conflict_declared",
                summary=f"{_name(user)} 声明利益冲突：{CONFLICT_ZH[kind]}{name}"
                        f"（{started_on or '—'} 至 {ended_on or '今'}）",
                data={"user": user.pk, "kind": kind, "organisation": organisation.pk if organisation else None,
                      "organisation_name": name, "credit_code": credit_code,
                      "started_on": str(started_on) if started_on else None,
                      "ended_on": str(ended_on) if ended_on else None, "declared_on": str(declared_on)})


def add_unavailability(user: User, *, by, starts_on: date, ends_on: date, reason: str = "") -> Unavailability:
    _require_editor_or_self(by, user)
    _require_staff(user)
    require(starts_on is not None and ends_on is not None, "R7.3.2", _("Give the first and the last day."),
            field="ends_on")
    _in_order(starts_on, ends_on, "R7.3.2", "ends_on")
    reason = str(reason or "").strip()
    return _add(Unavailability(user=user, starts_on=starts_on, ends_on=ends_on, reason=reason[:200]),
                by=by, user=user, action="register.unavailability_added",
                summary=f"登记 {_name(user)} 不可安排审核：{starts_on} 至 {ends_on}" + (f"（{reason}）" if reason else ""),
                data={"user": user.pk, "starts_on": str(starts_on), "ends_on": str(ends_on), "reason": reason})


# ---------------------------------------------------------------------------------------------
# Witness audits, performance evaluations, training (CB-auditor-evaluation, CB-training)
# ---------------------------------------------------------------------------------------------

RECORD_ZH = {AuditorRecord.WITNESS: "见证审核", AuditorRecord.EVALUATION: "年度绩效评价", AuditorRecord.TRAINING: "培训"}
OUTCOME_ZH = {AuditorRecord.SATISFACTORY: "满意", AuditorRecord.IMPROVE: "基本满意，需改进",
              AuditorRecord.UNSATISFACTORY: "不满意"}
TITLE_MAX, BASIS_MAX = 200, 2000


def add_monitoring(user: User, *, by, kind: str, on: date, title: str, outcome: str, basis: str,
                   evaluator: User | None = None) -> AuditorRecord:
    """A witness audit or the annual performance evaluation of an auditor, by an evaluator who is not the
    auditor (CB-auditor-evaluation). The latest outcome feeds the team check: not satisfactory keeps the person
    from auditing until a later satisfactory one is recorded."""
    _require_editor(by)
    _require_staff(user)
    evaluator = evaluator or by
    require(kind in (AuditorRecord.WITNESS, AuditorRecord.EVALUATION), "CB-auditor-evaluation",
            _("Choose a witness audit or the annual performance evaluation."), field="kind")
    require(evaluator.pk != user.pk, "CB-auditor-evaluation", _("Nobody evaluates themselves: choose another evaluator."),
            field="evaluator")
    require(outcome in OUTCOME_ZH, "CB-auditor-evaluation", _("Give the outcome of the evaluation."), field="outcome")
    require(on is not None, "CB-auditor-evaluation", _("Give the date."), field="on")
    _not_future(on, "CB-auditor-evaluation", "on")
    title = _text(title, "CB-auditor-evaluation", "title", _("Name the audit witnessed or the period evaluated."))[:TITLE_MAX]
    basis = _text(basis, "CB-auditor-evaluation", "basis", _("Give the basis of the evaluation (what was observed or reviewed)."))
    require(len(basis) <= BASIS_MAX, "CB-auditor-evaluation", _("At most 2000 characters."), field="basis")
    return _add(AuditorRecord(user=user, kind=kind, on=on, title=title, evaluator=evaluator, outcome=outcome,
                              basis=basis),
                by=by, user=user, action=f"register.{kind}_added",
                summary=f"登记 {_name(user)} 的{RECORD_ZH[kind]}（{on}，{title}，评价人 {_name(evaluator)}）："
                        f"{OUTCOME_ZH[outcome]}",
                data={"user": user.pk, "kind": kind, "on": str(on), "title": title, "evaluator": evaluator.pk,
                      "outcome": outcome, "basis": basis})


def add_training(user: User, *, by, on: date, title: str, hours, basis: str) -> AuditorRecord:
    """A training the person attended, beyond the yearly CPD (CB-training): course, date, hours, evidence."""
    _require_editor(by)
    _require_staff(user)
    require(on is not None, "CB-training", _("Give the date."), field="on")
    _not_future(on, "CB-training", "on")
    title = _text(title, "CB-training", "title", _("Name the training and who gave it."))[:TITLE_MAX]
    try:
        hours = Decimal(str(hours))
    except (InvalidOperation, ValueError, TypeError):
        hours = Decimal(-1)
    require(hours.is_finite() and Decimal(0) < hours <= Decimal(1000), "CB-training",
            _("Give the hours of the training (more than 0, at most 1000)."), field="hours")
    basis = _text(basis, "CB-training", "basis", _("Say what proves the attendance (certificate, attendance list)."))
    require(len(basis) <= BASIS_MAX, "CB-training", _("At most 2000 characters."), field="basis")
    return _add(AuditorRecord(user=user, kind=AuditorRecord.TRAINING, on=on, title=title, hours=hours, basis=basis),
                by=by, user=user, action="register.training_added",
                summary=f"登记 {_name(user)} 的培训（{on}，{title}，{hours} 学时）",
                data={"user": user.pk, "on": str(on), "title": title, "hours": str(hours), "basis": basis})


# ---------------------------------------------------------------------------------------------
# Ending an entry: never deleted (CB-register-history)
# ---------------------------------------------------------------------------------------------

REMOVABLE = {
    "registration": (CcaaRegistration, "CCAA 注册"),
    "qualification": (Qualification, "资格"),
    "experience": (Experience, "工作经历"),
    "competence": (CompetenceEvaluation, "能力评价"),
    "cpd": (CpdRecord, "继续教育记录"),
    "conflict": (ConflictDeclaration, "利益冲突声明"),
    "unavailability": (Unavailability, "不可安排时段"),
    "monitoring": (AuditorRecord, "见证审核或绩效评价记录"),
    "training": (AuditorRecord, "培训记录"),
}
SELF_REMOVABLE = {"unavailability"}
REASON_MAX = 200


def remove_entry(kind: str, pk: int, *, by, user: User | None = None, reason: str = "") -> None:
    """End one entry of a register, with a reason; it stays in the person's history with who ended it and when
    (CB-register-history). ``user`` (optional) must own it — a guard for URLs naming both."""
    if kind not in REMOVABLE:
        raise Http404
    model, label = REMOVABLE[kind]
    reason = str(reason or "").strip()
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(pk=pk).first()  # current entries only
        if obj is None or (user is not None and obj.user_id != user.pk):
            raise Http404
        if not (kind in SELF_REMOVABLE and can_self_serve(by, obj.user)):
            _require_editor(by)
        require(0 < len(reason) <= REASON_MAX, "CB-register-history",
                _("Say why the entry ends (at most 200 characters); it stays in the person's history."),
                field="reason")
        owner = obj.user
        obj.ended_at, obj.ended_by, obj.end_reason = timezone.now(), by, reason
        obj.save(update_fields=["ended_at", "ended_by", "end_reason"])
        chain.append(f"register.{kind}_ended", subject=owner, by=by,
                     summary=f"终止 {_name(owner)} 的{label}（编号 {pk}，记录保留）：{reason}",
                     data={"kind": kind, "id": pk, "user": owner.pk, "reason": reason,
                           "entry": _snapshot(obj)})


def _snapshot(obj) -> dict:
    """The ended entry's fields, kept in the record so the history survives any later change of the row."""
    return {f.name: str(getattr(obj, f.attname)) for f in obj._meta.concrete_fields
            if f.name not in ("ended_at", "ended_by", "end_reason")}


def _describe(obj) -> str:
    parts = []
    for f in obj._meta.concrete_fields:
        if f.name in ("id", "user", "ended_at", "ended_by", "end_reason", "created_at") or f.is_relation:
            continue
        value = getattr(obj, f"get_{f.name}_display")() if f.choices else getattr(obj, f.attname)
        if value not in (None, ""):
            parts.append(str(value))
    return " · ".join(parts)[:300]


def history(user: User) -> list:
    """The person's ended entries, newest first (CB-register-history)."""
    rows, seen = [], set()
    for kind, (model, label) in REMOVABLE.items():
        if model in seen:
            continue  # monitoring and training are one table
        seen.add(model)
        for obj in model.history.filter(user=user, ended_at__isnull=False).select_related("ended_by"):
            rows.append({"kind": kind, "label": label, "entry": _describe(obj), "ended_at": obj.ended_at,
                         "ended_by": obj.ended_by, "reason": obj.end_reason, "pk": obj.pk})
    return sorted(rows, key=lambda r: r["ended_at"], reverse=True)
