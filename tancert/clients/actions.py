"""Registration, applications, documents and acceptance (R7.1, R7.2). Every change is recorded."""

from __future__ import annotations

import hashlib
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.clients.models import Application, ApplicationDocument, Organisation
from tancert.clients.scopes.rules import scope_problems
from tancert.ops.calendar import add_working_days
from tancert.ops.notifications.send import send
from tancert.ops.notify import notify, organisation_users  # retired: see ops/notify.py
from tancert.people import creditcode
from tancert.people.accounts.passwords import check_password
from tancert.people.actions import require_role
from tancert.people.models import Role, User
from tancert.records import chain, uploads
from tancert.records.filetypes import ALLOWED
from tancert.scheme import industry, rulebook
from tancert.scheme.violations import RuleViolation, require

CMS_MIN_MONTHS = 3  # R7.1-C2
REVIEW_QUESTIONS = ("described", "understands", "competent")  # R7.2-review, in the rule's order
ACCEPTANCE_WORKDAYS = 3  # R7.2-deadline


def document_codes() -> list[str]:
    return [d.code for d in rulebook.APPLICATION_DOCUMENTS]


def document_key(code: str) -> str:
    """The rule key of document `code` (D1 → R7.1-D1), from the rule book."""
    return next(d.key for d in rulebook.APPLICATION_DOCUMENTS if d.code == code)


def _check_credit_code(code: str) -> str:
    code = creditcode.normalise(code)
    problem = creditcode.problem(code)
    messages = {
        "length": _("The unified social credit code must have 18 characters."),
        "character": _("The unified social credit code may only use digits and the letters A–Y without I, O, S, V, Z."),
        "division": _("Characters 3–8 of the unified social credit code must be the administrative division code (digits)."),
        "check": _("The check character of the unified social credit code is wrong; check the code on the business licence."),
    }
    if problem:
        raise RuleViolation("R7.1-C1", messages[problem], field="credit_code")
    return code


CODE_TAKEN = _("An organisation with this unified social credit code is already registered; ask its administrator "
               "for an account.")
USERNAME_TAKEN = _("This user name is taken; choose another.")


def sign_up_organisation(*, name: str, credit_code: str, registered_address: str, address: str,
                          username: str, password: str, email: str = "", contact_name: str = "",
                          contact_phone: str = "", legal_representative: str = "", employees: int = 0,
                          technical_areas: list[str] | None = None) -> tuple[Organisation, User]:
    """A client organisation registers itself and its first user (public sign-up)."""
    code = _check_credit_code(credit_code)
    require(bool(name.strip()), "R7.1-C1", _("Enter the legal name as on the business licence."), field="name")
    require(not Organisation.objects.filter(credit_code=code).exists(), "R7.1-C1", CODE_TAKEN, field="credit_code")
    if employees is not None and employees < 0:
        raise RuleViolation("R7.3.1", _("The number of employees cannot be negative."), field="employees")
    areas = [str(a) for a in (technical_areas or [])]
    unknown = [a for a in areas if not (a.isdigit() and int(a) in rulebook.TECHNICAL_AREAS)]
    require(not unknown, "RA", _("Choose technical areas from Appendix A (codes 1–21)."), field="technical_areas")
    require(not User.objects.filter(username=username).exists(), "R7.1-D1", USERNAME_TAKEN, field="username")
    # The password policy (docs/security.md): the same validators as every other path that sets a password.
    check_password(password, User(username=username, email=email, display_name=contact_name))
    try:
        return _create_organisation(name=name, code=code, registered_address=registered_address, address=address,
                                    legal_representative=legal_representative, contact_name=contact_name,
                                    contact_phone=contact_phone, email=email, employees=employees, areas=areas,
                                    username=username, password=password)
    except IntegrityError:
        # Two sign-ups at once: the unique credit code (or user name) lets one through.
        if Organisation.objects.filter(credit_code=code).exists():
            raise RuleViolation("R7.1-C1", CODE_TAKEN, field="credit_code") from None
        raise RuleViolation("R7.1-D1", USERNAME_TAKEN, field="username") from None


def _create_organisation(*, name, code, registered_address, address, legal_representative, contact_name,
                         contact_phone, email, employees, areas, username, password) -> tuple[Organisation, User]:
    with transaction.atomic():
        org = Organisation.objects.create(
            name=name.strip(), credit_code=code, registered_address=registered_address, address=address,
            legal_representative=legal_representative, contact_name=contact_name, contact_phone=contact_phone,
            contact_email=email, employees=employees or 0, technical_areas=areas,
        )
        user = User.objects.create_user(username=username, password=password, email=email,
                                        display_name=contact_name, organisation=org)
        chain.append("organisation.registered", subject=org, by=user, organisation=org,
                     summary=f"组织注册：{org.name}（{code}）",
                     data={"name": org.name, "credit_code": code, "user": username})
    return org, user


def _require_client_of(user, org_id: int) -> None:
    from django.core.exceptions import PermissionDenied

    if not user.is_authenticated or user.organisation_id != org_id:
        raise PermissionDenied(_("Only the organisation's own users can do this."))


CRITERION = "T/CCAA 39-2022"  # R3: the one criterion of CMS certification under this scheme


def check_industry(code, requirement: str = "") -> int | None:
    """The Appendix A code (RA) as a number, or None; the industry requirement must be one of that area's
    (R3, scheme/industry.py): chosen from the list, never typed."""
    if code in (None, ""):
        number = None
    else:
        try:
            number = int(code)
        except (TypeError, ValueError):
            number = -1
        require(number in rulebook.TECHNICAL_AREAS, "RA", _("Choose the industry from Appendix A (codes 1–21)."),
                field="industry_code")
    require(not requirement or requirement in industry.for_area(number), "R3",
            _("Choose the industry requirement from the list for your industry, or none."),
            field="industry_requirement")
    return number


def require_industry(app: Application) -> None:
    """R7.3.2 draws the audit team's technical areas from the application's industry: it cannot be missing."""
    require(app.industry_code is not None, "RA",
            _("Choose your industry (Appendix A technical area) in the application data."), field="industry_code")


def create_application(org: Organisation, *, by, scope: str, cms_started_on: date,
                       kind: str = Application.INITIAL, criterion: str = CRITERION,
                       industry_requirement: str = "", industry_code: int | str | None = None,
                       renewing: bool = False) -> Application:
    """A draft application. A recertification is applied for only from a certificate in force, through the
    certificate's renewal (certificates/actions.apply_for_renewal passes `renewing`): picked by hand, it would
    plan a recertification audit for an organisation without a certificate to renew (R9.3-renewal)."""
    _require_client_of(by, org.pk)
    require(kind != Application.RECERTIFICATION or renewing, "R9.3-renewal",
            _("A recertification is applied for from the certificate's page, within the 90 days before it expires; "
              "without a certificate in force, apply for initial certification."), field="kind")
    industry_code = check_industry(industry_code, industry_requirement)
    require(bool(scope.strip()), "R7.1-D1", _("Describe the scope of the carbon management system."), field="scope")
    require(cms_started_on <= timezone.localdate(), "R7.1-C2", _("The CMS start date cannot be in the future."),
            field="cms_started_on")
    require(criterion == CRITERION, "R3", _("The criterion is T/CCAA 39-2022; name an industry requirement "
                                            "separately."), field="criterion")
    open_exists = _("This organisation already has an open application; continue that one.")
    try:
        with transaction.atomic():
            # The organisation row is the lock: of two requests at once the second sees the first's draft;
            # one_open_application_per_organisation stands behind it.
            Organisation.objects.select_for_update().filter(pk=org.pk).first()
            require(not org.applications.filter(status__in=Application.OPEN).exists(), "R7.1", open_exists,
                    field="kind")
            app = Application.objects.create(organisation=org, kind=kind, scope=scope.strip(), criterion=criterion,
                                             industry_requirement=industry_requirement,
                                             industry_code=industry_code, cms_started_on=cms_started_on)
            chain.append("application.created", subject=app, by=by, organisation=org,
                         summary=f"创建认证申请（{app.get_kind_display()}）",
                         data={"kind": kind, "scope": app.scope, "cms_started_on": cms_started_on.isoformat()})
    except IntegrityError:
        raise RuleViolation("R7.1", open_exists, field="kind") from None
    return app


def _editable(app: Application, by) -> None:
    _require_client_of(by, app.organisation_id)
    require(app.status in (Application.DRAFT, Application.SUPPLEMENT), "R7.2-supplement",
            _("The application is under review; documents can be changed only when the reviewer asks for a "
              "supplement."), field="status")


def upload_document(app: Application, code: str, *, by, filename: str, content: bytes,
                    document_date: date | None = None) -> ApplicationDocument:
    """Add a new version of document `code` (R7.1-D1…D11); earlier versions are kept."""
    _editable(app, by)
    require(code in document_codes(), "R7.1-D1", _("Unknown document code; use D1–D11."), field="code")
    verdict = uploads.examine(content, allowed=ALLOWED)  # size, type by content, and the content is real
    # enforces: R7.1-D1 R7.1-D2 R7.1-D3 R7.1-D4 R7.1-D5 R7.1-D6 R7.1-D7 R7.1-D8 R7.1-D9 R7.1-D10 R7.1-D11
    require(verdict.ok, document_key(code), verdict.message, field="file", params=verdict.params)
    kind = (verdict.kind, verdict.media)
    doc_meta = next(d for d in rulebook.APPLICATION_DOCUMENTS if d.code == code)
    if doc_meta.dated:
        # enforces: R7.1-D1 R7.1-D2 R7.1-D3 R7.1-D4 R7.1-D5 R7.1-D6 R7.1-D7 R7.1-D8 R7.1-D9 R7.1-D10 R7.1-D11
        require(document_date is not None, document_key(code), _("Give the date of the screenshot."),
                field="document_date")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        last = app.documents.filter(code=code).order_by("-version").first()
        version = (last.version + 1) if last else 1
        doc = ApplicationDocument(application=app, code=code, version=version, original_name=filename[:255],
                                  content_type=kind[1], size=len(content), sha256=digest,
                                  document_date=document_date, uploaded_by=by)
        doc.file.save(f"{digest[:12]}.{kind[0]}", ContentFile(content), save=False)
        doc.save()
        chain.append("application.document_uploaded", subject=app, by=by, organisation=app.organisation_id,
                     summary=f"上传申请文件 {code} 第 {version} 版：{filename}",
                     data={"code": code, "version": version, "sha256": digest, "size": len(content),
                           "type": kind[0]})
    return doc


def upload_documents(app: Application, files: dict, *, by) -> list[ApplicationDocument]:
    """Upload several documents at once: {code: (filename, content, document_date)}.

    All or nothing: if one file is refused, none is kept, so the client can fix that one
    file and send the same selection again.
    """
    require(bool(files), "R7.1-D1", _("Choose at least one file."), field="files")
    with transaction.atomic():
        return [upload_document(app, code, by=by, filename=name, content=content, document_date=day)
                for code, (name, content, day) in sorted(files.items(), key=lambda kv: int(kv[0][1:]))]


def mark_document_not_applicable(app: Application, code: str, *, by, reason: str) -> ApplicationDocument:
    _editable(app, by)
    require(code in document_codes(), "R7.1-D1", _("Unknown document code; use D1–D11."), field="code")
    meta = next(d for d in rulebook.APPLICATION_DOCUMENTS if d.code == code)
    # enforces: R7.1-D1 R7.1-D2 R7.1-D3 R7.1-D5 R7.1-D6 R7.1-D7 R7.1-D8 R7.1-D9 R7.1-D10 R7.1-D11
    require(meta.if_applicable, document_key(code),
            _("%(code)s is required by the scheme and cannot be marked not applicable; upload it."), field="code",
            params={"code": code})
    # enforces: R7.1-D4
    require(bool((reason or "").strip()), document_key(code),
            _("A document can be marked not applicable only with a reason."), field="reason")
    with transaction.atomic():
        last = app.documents.filter(code=code).order_by("-version").first()
        version = (last.version + 1) if last else 1
        doc = ApplicationDocument.objects.create(application=app, code=code, version=version,
                                                 not_applicable_reason=reason.strip(), uploaded_by=by)
        chain.append("application.document_not_applicable", subject=app, by=by, organisation=app.organisation_id,
                     summary=f"申请文件 {code} 标记为不适用：{reason.strip()}", data={"code": code, "reason": reason})
    return doc


def give_commitment(app: Application, *, by, signed_by: str, signed_on: date) -> None:
    """R7.1-C5: the explicit commitment to report major carbon-management accidents."""
    _editable(app, by)
    require(bool(signed_by.strip()), "R7.1-C5", _("Name the person who signs the commitment."), field="signed_by")
    with transaction.atomic():
        app.commitment_signed_by = signed_by.strip()
        app.commitment_date = signed_on
        app.save(update_fields=["commitment_signed_by", "commitment_date"])
        chain.append("application.commitment_given", subject=app, by=by, organisation=app.organisation_id,
                     summary=f"{signed_by} 签署承诺：获证后及时报告重大碳管理相关事故",
                     data={"signed_by": signed_by, "date": signed_on.isoformat()})


def eligibility_problems(app: Application, on: date | None = None) -> list[RuleViolation]:
    """Every unmet R7.1 condition and missing document, for the form and for submission."""
    on = on or timezone.localdate()
    problems: list[RuleViolation] = []
    if not creditcode.is_valid(app.organisation.credit_code):
        problems.append(RuleViolation("R7.1-C1", _("The unified social credit code is not valid."),
                                      field="credit_code"))
    if app.cms_started_on > on - relativedelta(months=CMS_MIN_MONTHS):
        problems.append(RuleViolation(
            "R7.1-C2", _("The CMS must have run for at least three months before the application (running since "
                         "%(since)s)."), field="cms_started_on", params={"since": app.cms_started_on.isoformat()}))
    if app.licences_applicable and not app.licences.strip():
        problems.append(RuleViolation("R7.1-C3", _("List the administrative licences you hold (name, number, "
                                                   "validity)."), field="licences"))
    if app.compliance_applicable and not app.compliance_info.strip():
        problems.append(RuleViolation("R7.1-C4", _("Describe how you comply with the competent authorities' "
                                                   "carbon-management requirements."), field="compliance_info"))
    if not (app.commitment_signed_by and app.commitment_date):
        problems.append(RuleViolation("R7.1-C5", _("Sign the commitment to report major carbon-management "
                                                   "accidents after certification."), field="commitment"))
    current = app.current_documents()
    for meta in rulebook.APPLICATION_DOCUMENTS:
        if meta.code not in current:
            # enforces: R7.1-D1 R7.1-D2 R7.1-D3 R7.1-D4 R7.1-D5 R7.1-D6 R7.1-D7 R7.1-D8 R7.1-D9 R7.1-D10 R7.1-D11
            problems.append(RuleViolation(document_key(meta.code), _("Upload document %(code)s (%(name)s) or mark it not "
                                                      "applicable with a reason."), field=meta.code,
                                          params={"code": meta.code, "name": meta.name_zh}))
    if app.industry_code is None:  # R7.3.2 draws the team's technical area from it
        problems.append(RuleViolation("RA", _("Choose your industry (Appendix A technical area) in the application "
                                              "data."), field="industry_code"))
    return problems


def acceptance_deadline(complete_on: date) -> date:
    return add_working_days(complete_on, ACCEPTANCE_WORKDAYS).date


def deadline_uses_fallback(complete_on: date) -> bool:
    """True when no calendar knows the deadline's year and Monday–Friday was assumed (shown as a warning)."""
    return add_working_days(complete_on, ACCEPTANCE_WORKDAYS).uses_fallback


def document_warnings(app: Application, on: date | None = None) -> list[str]:
    """Warnings that do not block: an old credit-system screenshot (D5)."""
    on = on or timezone.localdate()
    warnings = []
    limit = settings.TANCERT_D5_MAX_AGE_DAYS
    for doc in app.current_documents().values():
        meta = next(d for d in rulebook.APPLICATION_DOCUMENTS if d.code == doc.code)
        if meta.dated and doc.document_date and (on - doc.document_date).days > limit:
            warnings.append(str(_("The %(code)s screenshot is dated %(date)s, more than %(days)d days ago; upload a "
                                  "current one.") % {"code": doc.code, "date": doc.document_date.isoformat(),
                                                     "days": limit}))
    return warnings


DECLARANT_MAX = 100
DECLARATION_ZH = "本组织对所提供的申请文件和资料的真实性负责（CEC-7048CMS-A/2 第7.1条）。"


def submit_application(app: Application, *, by, declarant: str = "", declared: bool = False) -> Application:
    """Submit (or resubmit after a supplement). Documents complete → the 3-working-day clock starts.

    The client's authorised person declares at each submission that the documents are true (R7.1
    "对其提供的文件真实性负责", CB-declaration): named, dated and recorded with the documents' hashes."""
    _editable(app, by)
    declarant = (declarant or "").strip()
    require(declared is True and 0 < len(declarant) <= DECLARANT_MAX, "CB-declaration",
            _("The authorised person declares that the documents provided are true: give their name and position "
              "(at most 100 characters) and tick the declaration."), field="declarant")
    # R5.b–d: a level recorded without its standard or what it covers blocks the submission too.
    problems = eligibility_problems(app) + scope_problems(app)
    if problems:
        raise problems[0]
    now = timezone.now()
    with transaction.atomic():
        resubmission = app.status == Application.SUPPLEMENT
        app.status = Application.SUBMITTED
        app.submitted_at = app.submitted_at or now
        app.complete_at = now
        app.review_deadline = acceptance_deadline(timezone.localdate(now))
        app.declared_by_name, app.declared_by, app.declared_at = declarant, by, now
        app.save(update_fields=["status", "submitted_at", "complete_at", "review_deadline", "declared_by_name",
                                "declared_by", "declared_at"])
        chain.append("application.submitted", subject=app, by=by, organisation=app.organisation_id,
                     summary=("补充材料后重新提交申请" if resubmission else "提交认证申请")
                     + f"，受理期限 {app.review_deadline.isoformat()}；{declarant} 声明对所提供文件的真实性负责",
                     data={"deadline": app.review_deadline.isoformat(), "resubmission": resubmission,
                           "declaration": {"by": declarant, "user": by.pk, "at": now.isoformat(),
                                           "text": DECLARATION_ZH},
                           "documents": {c: d.sha256 or "n/a" for c, d in app.current_documents().items()}})
        send("application.submitted", by=by, organisation=app.organisation, application=app,
             deadline=app.review_deadline.isoformat())
    return app


def _require_under_review(app: Application) -> None:
    require(app.status == Application.SUBMITTED, "R7.2-review",
            _("Only a submitted application can be reviewed."), field="status")


def request_supplement(app: Application, *, by, missing: str) -> None:
    """R7.2-supplement: tell the client what is missing; the deadline clock stops."""
    require_role(by, Role.APPLICATION_REVIEWER)
    _require_under_review(app)
    require(bool((missing or "").strip()), "R7.2-supplement", _("List what the client must supplement."),
            field="missing")
    with transaction.atomic():
        app.status = Application.SUPPLEMENT
        app.supplement_request = missing.strip()
        app.complete_at = None
        app.review_deadline = None
        app.save(update_fields=["status", "supplement_request", "complete_at", "review_deadline"])
        chain.append("application.supplement_requested", subject=app, by=by, organisation=app.organisation_id,
                     summary=f"要求补充材料：{missing.strip()}", data={"missing": missing.strip()})
        notify(organisation_users(app.organisation), "认证申请需要补充材料", missing.strip(),
               f"/applications/{app.pk}/")


def _check_review(review: dict) -> dict:
    answers = {q: bool(review.get(q)) for q in REVIEW_QUESTIONS}
    return answers


def accept_application(app: Application, *, by, review: dict, reason: str = "") -> None:
    """Accept (R7.2-review answered in full; R7.2-deadline noted if late)."""
    require_role(by, Role.APPLICATION_REVIEWER)
    _require_under_review(app)
    # Documents are complete at submission; checked again because records migrated from an older
    # system (or a document removed by an administrator) must not slip through (R7.2-deadline runs
    # only once the documents are complete).
    missing = [v for v in eligibility_problems(app) if v.field in document_codes()]
    if missing:
        raise missing[0]
    require_industry(app)
    answers = _check_review(review)
    for q in REVIEW_QUESTIONS:
        require(answers[q], "R7.2-review",
                _("All three review questions must be confirmed before accepting; otherwise request a supplement "
                  "or do not accept."), field=q)
    # RT-withdrawn: after this body withdrew one of the organisation's certificates, an application is
    # accepted only when the organisation has rectified thoroughly — the reviewer states how in the reasons.
    # (The relation's own name and status value: clients sits below the certificates app.)
    withdrawn = app.organisation.certificates.filter(status="withdrawn").order_by("-status_changed_at").first()
    require(withdrawn is None or bool((reason or "").strip()), "RT-withdrawn",
            _("This body withdrew certificate %(number)s of the organisation: accept only after a thorough "
              "rectification that removed the cause, and state it in the reasons."), field="reason",
            params={"number": withdrawn.number if withdrawn else ""})
    _decide(app, by, Application.ACCEPTED, answers, reason)


def reject_application(app: Application, *, by, reason: str, review: dict | None = None) -> None:
    require_role(by, Role.APPLICATION_REVIEWER)
    _require_under_review(app)
    require(bool((reason or "").strip()), "R7.2-review", _("Give the reasons for not accepting."), field="reason")
    _decide(app, by, Application.REJECTED, _check_review(review or {}), reason)


def _decide(app: Application, by, status: str, answers: dict, reason: str) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        # Two reviewers deciding at once: the second waits here, then sees the first decision.
        locked = Application.objects.select_for_update().get(pk=app.pk)
        require(locked.status == Application.SUBMITTED, "R7.2-review",
                _("Another reviewer has just decided on this application (%(status)s)."), field="status",
                params={"status": locked.get_status_display()})
        late = bool(locked.review_deadline and today > locked.review_deadline)
        locked.status = status
        locked.review = {**answers, "reviewer": by.username, "signed_at": timezone.now().isoformat()}
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.decision_reason = (reason or "").strip()
        locked.save(update_fields=["status", "review", "decided_at", "decided_by", "decision_reason"])
        verb = "受理" if status == Application.ACCEPTED else "不予受理"
        chain.append(f"application.{status}", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"{verb}认证申请" + ("（超过 3 个工作日期限）" if late else "")
                     + (f"：{locked.decision_reason}" if locked.decision_reason else ""),
                     data={"review": answers, "reason": locked.decision_reason, "late": late,
                           "deadline": locked.review_deadline.isoformat() if locked.review_deadline else None})
        notify(organisation_users(locked.organisation), f"认证申请已{verb}", locked.decision_reason,
               f"/applications/{locked.pk}/")
        if status == Application.ACCEPTED:
            from tancert.clients.contracts.actions import issue_contract

            issue_contract(locked, by=by)
    app.refresh_from_db()
