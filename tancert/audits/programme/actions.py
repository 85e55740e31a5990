"""State changes of the audit programme (docs/planning.md §7): building and replanning the
programme of a cycle, extra surveillance audits, linking planned audits to their entry, confirming
the team and issuing the audit plan PDF. Each action checks the rule, changes the data and appends
the record in one transaction; history is kept by new entry versions, never by overwriting.

Rule keys: R8.1-programme (a programme per client and cycle), R8.1.1-interval (≤ 12 months between
surveillance audits, the first within 12 months of the earlier of decision and issue date),
R8.1.1-extra (extra surveillance with its reason), R9.3-renewal (recertification before expiry),
R7.3.2 / R4.* / R7.3.3 (the team, via audits/teamcheck.py), R7.4.3 (the audit plan), CB-audit-plan (its
agenda, programme/agenda.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import (
    Audit,
    AuditAgenda,
    AuditPlanDocument,
    AuditProgramme,
    AuditTeamMember,
    ProgrammeEntry,
    TeamConfirmation,
)
from tancert.audits.programme import agenda, sitetime, teamcheck, timing
from tancert.audits.programme.plandoc import plan_content, render_plan_pdf
from tancert.audits.remote import actions as remote
from tancert.clients.estimate import application_for
from tancert.clients.models import Application, Organisation
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.planning import programme as windows
from tancert.records import chain
from tancert.records.documents import record_pdf
from tancert.scheme.violations import require

# ---------------------------------------------------------------------------------------------
# Reading the programme
# ---------------------------------------------------------------------------------------------


def current_programme(org) -> AuditProgramme | None:
    return AuditProgramme.objects.filter(organisation=org).order_by("-cycle").first()


def _active_certificate(org):
    return org.certificates.filter(status__in=("valid", "suspended")).select_related("decision") \
        .order_by("-issue_date", "-pk").first()


def _decision_date(cert) -> date:
    return timezone.localdate(cert.decision.decided_at)


def _regular_surveillances(cert):
    return cert.audits.filter(kind=Audit.SURVEILLANCE).exclude(status=Audit.CANCELLED).order_by("sequence", "pk")


def expected_windows(cert) -> list[tuple[str, int, date, date, str]]:
    """(kind, sequence, earliest, latest, rule) of the cycle of ``cert``, moved by the surveillance
    audits already done (planning/programme.py)."""
    done = [a.end_date for a in _regular_surveillances(cert).filter(status=Audit.COMPLETED)]
    prog = windows.programme_windows(_decision_date(cert), cert.issue_date, expiry=cert.expiry_date,
                                     surveillance_ends=done)
    return [(w.kind, w.sequence, w.earliest, w.latest, w.rule) for w in prog.windows
            if w.kind in ("surveillance", "recertification")]


def entry_for(org, kind: str, sequence: int = 0) -> ProgrammeEntry | None:
    prog = current_programme(org)
    if prog is None:
        return None
    qs = prog.entries.filter(superseded_at__isnull=True)
    if kind == Audit.SPECIAL:
        return qs.filter(kind=ProgrammeEntry.EXTRA, audit__isnull=True).order_by("sequence").first()
    entry_kind = {Audit.STAGE1: ProgrammeEntry.STAGE1, Audit.STAGE2: ProgrammeEntry.STAGE2,
                  Audit.SURVEILLANCE: ProgrammeEntry.SURVEILLANCE,
                  Audit.RECERTIFICATION: ProgrammeEntry.RECERTIFICATION}.get(kind)
    if entry_kind is None:
        return None
    qs = qs.filter(kind=entry_kind)
    if entry_kind == ProgrammeEntry.SURVEILLANCE:
        qs = qs.filter(sequence=sequence)
    return qs.first()


def check_in_window(entry: ProgrammeEntry | None, start: date, end: date) -> None:
    """A surveillance planned outside its programme window is refused (R8.1.1-interval)."""
    if entry is None or entry.latest is None or entry.kind not in (ProgrammeEntry.SURVEILLANCE, ProgrammeEntry.EXTRA):
        return
    key = "R8.1.1-extra" if entry.kind == ProgrammeEntry.EXTRA else "R8.1.1-interval"
    require(entry.earliest is None or start >= entry.earliest, key,
            _("The programme window of this audit runs from %(earliest)s to %(latest)s; planned from %(start)s."),
            field="start_date", params={"earliest": entry.earliest.isoformat() if entry.earliest else "—",
                                        "latest": entry.latest.isoformat(), "start": start.isoformat()})
    require(end <= entry.latest, key,
            _("The programme window of this audit closes on %(latest)s; planned to end %(end)s."),
            field="end_date", params={"latest": entry.latest.isoformat(), "end": end.isoformat()})


def check_surveillance(cert, start: date, end: date, *, exclude_audit=None) -> None:
    """R8.1.1-interval against the previous surveillance (planned or done) or the cycle anchor."""
    previous = _regular_surveillances(cert).filter(end_date__lt=start)
    if exclude_audit is not None:
        previous = previous.exclude(pk=exclude_audit.pk)
    last = previous.aggregate(m=Max("end_date"))["m"]
    windows.check_surveillance_date(end, decision_date=_decision_date(cert), issue_date=cert.issue_date,
                                    last_surveillance_end=last, expiry=cert.expiry_date)


def link_audit(audit: Audit, entry: ProgrammeEntry | None) -> None:
    """Inside plan_audit's transaction: the programme entry now points at its planned audit."""
    if entry is None:
        return
    ProgrammeEntry.objects.filter(pk=entry.pk).update(audit=audit)


# ---------------------------------------------------------------------------------------------
# Building and replanning
# ---------------------------------------------------------------------------------------------


def _summary_line(kind, seq, earliest, latest) -> str:
    label = {"stage1": "第一阶段审核", "stage2": "第二阶段审核", "surveillance": f"第{seq}次监督审核",
             "recertification": "再认证审核"}.get(kind, kind)
    if latest is None:
        return label
    return f"{label} {earliest or '—'} 至 {latest}"


def build_programme(org, *, by) -> AuditProgramme:
    """Create or bring up to date the programme of the organisation's current cycle.

    Initial cycle: stage 1 and stage 2 entries (linked to their audits once planned). With a valid
    (or suspended) certificate: surveillance 1 and 2 and the recertification with their windows.
    A window that moved (a surveillance done earlier than its deadline) gets a new version; the old
    one stays, superseded. Running it again without a change changes nothing.
    """
    require_role(by, Role.PROGRAMME_MANAGER)
    cert = _active_certificate(org)
    app = org.applications.filter(status__in=("accepted",)).order_by("-pk").first()
    if cert is not None and cert.decision.audit.application_id:
        app = cert.decision.audit.application
    require(cert is not None or app is not None, "R8.1-programme",
            _("A programme starts with an accepted application or a valid certificate."), field="organisation")
    with transaction.atomic():
        prog = current_programme(org)
        if prog is not None and prog.certificate_id and cert is not None and prog.certificate_id != cert.pk:
            prog = None  # a new certificate opens a new cycle
        created = prog is None
        if created:
            cycle = (AuditProgramme.objects.filter(organisation=org).aggregate(m=Max("cycle"))["m"] or 0) + 1
            prog = AuditProgramme.objects.create(organisation=org, cycle=cycle, application=app, created_by=by)
        if cert is not None and prog.certificate_id is None:
            prog.certificate = cert
            prog.anchor = windows.cycle_anchor(_decision_date(cert), cert.issue_date)
            prog.expiry = cert.expiry_date
            prog.save(update_fields=["certificate", "anchor", "expiry"])
        wanted: list[tuple[str, int, date | None, date | None, str]] = []
        if prog.application_id and prog.application.kind == "initial":
            wanted += [(ProgrammeEntry.STAGE1, 0, None, None, "R7.4.1-S1"),
                       (ProgrammeEntry.STAGE2, 0, None, None, "R7.4.1-S2")]
        if cert is not None:
            wanted += expected_windows(cert)
        changes = []
        for kind, seq, earliest, latest, rule in wanted:
            current = prog.entries.filter(kind=kind, sequence=seq, superseded_at__isnull=True).first()
            if current is not None and (current.earliest, current.latest) == (earliest, latest):
                _link_existing(current, prog, cert)
                continue
            new = ProgrammeEntry.objects.create(
                programme=prog, kind=kind, sequence=seq, order=ProgrammeEntry.ORDER[kind], earliest=earliest,
                latest=latest, rule=rule, version=(current.version + 1) if current else 1,
                audit=current.audit if current else None,
                change_reason="" if current is None else "按已完成审核的实际日期重新计算审核窗口", created_by=by)
            if current is not None:
                ProgrammeEntry.objects.filter(pk=current.pk).update(superseded_at=timezone.now(), superseded_by=new)
            _link_existing(new, prog, cert)
            changes.append({"kind": kind, "sequence": seq, "earliest": str(earliest) if earliest else None,
                            "latest": str(latest) if latest else None, "version": new.version})
        if created or changes:
            lines = "；".join(_summary_line(c["kind"], c["sequence"], c["earliest"], c["latest"]) for c in changes)
            chain.append("programme.built" if created else "programme.updated", subject=prog, by=by, organisation=org,
                         summary=f"{'建立' if created else '更新'}第 {prog.cycle} 认证周期审核方案" + (f"：{lines}" if lines else ""),
                         data={"cycle": prog.cycle, "certificate": cert.pk if cert else None, "entries": changes})
    return prog


def _link_existing(entry: ProgrammeEntry, prog: AuditProgramme, cert) -> None:
    """Attach an audit planned before the programme existed."""
    if entry.audit_id:
        return
    audit = None
    if entry.kind in (ProgrammeEntry.STAGE1, ProgrammeEntry.STAGE2) and prog.application_id:
        audit = prog.application.audits.filter(kind=entry.kind).exclude(status=Audit.CANCELLED).first()
    elif entry.kind == ProgrammeEntry.SURVEILLANCE and cert is not None:
        audit = _regular_surveillances(cert).filter(sequence=entry.sequence).first()
    if audit is not None:
        entry.audit = audit
        ProgrammeEntry.objects.filter(pk=entry.pk).update(audit=audit)


def _require_current(entry: ProgrammeEntry) -> None:
    require(entry.superseded_at is None, "R8.1-programme",
            _("This entry was replanned since; change its current version."), field="entry")


def replan_entry(entry: ProgrammeEntry, *, by, earliest: date, latest: date, reason: str) -> ProgrammeEntry:
    """A new version of an entry's window, with the reason; the old version is kept, superseded."""
    require_role(by, Role.PROGRAMME_MANAGER)
    _require_current(entry)
    reason = (reason or "").strip()
    require(bool(reason), "R8.1-programme", _("Give the reason for replanning."), field="reason")
    require(earliest is not None and latest is not None and earliest <= latest, "R8.1-programme",
            _("The window must open before it closes."), field="latest")
    prog = entry.programme
    cert = prog.certificate
    if entry.kind == ProgrammeEntry.SURVEILLANCE and cert is not None:
        before = prog.entries.filter(kind=ProgrammeEntry.SURVEILLANCE, sequence__lt=entry.sequence,
                                     superseded_at__isnull=True).order_by("-sequence").first()
        last = None
        if before is not None:
            last = before.audit.end_date if before.audit_id and before.audit.status != Audit.CANCELLED \
                else before.latest
        windows.check_surveillance_date(latest, decision_date=_decision_date(cert), issue_date=cert.issue_date,
                                        last_surveillance_end=last, expiry=cert.expiry_date)
    if entry.kind == ProgrammeEntry.RECERTIFICATION and prog.expiry:
        windows.check_recertification_date(latest, prog.expiry)
    with transaction.atomic():
        new = ProgrammeEntry.objects.create(
            programme=prog, kind=entry.kind, sequence=entry.sequence, order=entry.order, earliest=earliest,
            latest=latest, rule=entry.rule, reason_kind=entry.reason_kind, reason=entry.reason, audit=entry.audit,
            version=entry.version + 1, change_reason=reason, created_by=by)
        ProgrammeEntry.objects.filter(pk=entry.pk).update(superseded_at=timezone.now(), superseded_by=new)
        chain.append("programme.entry_replanned", subject=prog, by=by, organisation=prog.organisation_id,
                     summary=f"调整审核方案：{new.label_zh()} 窗口由 {entry.earliest or '—'} 至 {entry.latest or '—'} "
                             f"改为 {earliest} 至 {latest}，原因：{reason}",
                     data={"entry": entry.pk, "new": new.pk, "version": new.version, "earliest": str(earliest),
                           "latest": str(latest), "previous": [str(entry.earliest), str(entry.latest)],
                           "reason": reason})
    return new


def add_extra_surveillance(prog: AuditProgramme, *, by, reason_kind: str, reason: str, start: date
                           ) -> ProgrammeEntry:
    """An extra surveillance audit for a major change or incident, with its reason (R8.1.1-extra)."""
    require_role(by, Role.PROGRAMME_MANAGER)
    require(prog.certificate_id is not None, "R8.1.1-extra",
            _("An extra surveillance audit belongs to a certified client's programme."), field="reason_kind")
    w = windows.extra_surveillance(reason_kind, reason or "", start=start, expiry=prog.expiry)
    with transaction.atomic():
        seq = (prog.entries.filter(kind=ProgrammeEntry.EXTRA).aggregate(m=Max("sequence"))["m"] or 0) + 1
        entry = ProgrammeEntry.objects.create(
            programme=prog, kind=ProgrammeEntry.EXTRA, sequence=seq, order=ProgrammeEntry.ORDER[ProgrammeEntry.EXTRA],
            earliest=w.earliest, latest=w.latest, rule="R8.1.1-extra", reason_kind=reason_kind, reason=w.reason,
            created_by=by)
        chain.append("programme.extra_surveillance_added", subject=prog, by=by, organisation=prog.organisation_id,
                     summary=f"增加{w.label_zh}：{w.earliest} 至 {w.latest}，原因：{w.reason}",
                     data={"entry": entry.pk, "reason_kind": reason_kind, "reason": w.reason,
                           "earliest": str(w.earliest), "latest": str(w.latest)})
    return entry


# ---------------------------------------------------------------------------------------------
# The team, again at confirmation (R7.3.2, R4, R7.3.3)
# ---------------------------------------------------------------------------------------------


def team_of(audit: Audit) -> list[tuple]:
    return [(m.user, m.role) for m in audit.team.select_related("user").order_by("pk")]


def need_of(audit: Audit):
    return teamcheck.need_for(audit.organisation, start=audit.start_date, end=audit.end_date,
                              auditor_days=audit.auditor_days)


def confirm_team(audit: Audit, *, by) -> TeamConfirmation:
    """Run the full team check again (registrations, CPD, bookings may have changed since planning)."""
    require_role(by, Role.PROGRAMME_MANAGER)
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.3.2",
            _("Only the team of an open audit can be confirmed."), field="status")
    team = team_of(audit)
    teamcheck.require_team(need_of(audit), team, exclude_audit=audit)
    with transaction.atomic():
        data = [{"user": u.username, "role": r} for u, r in team]
        conf = TeamConfirmation.objects.create(audit=audit, team=data, confirmed_by=by)
        chain.append("audit.team_confirmed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary="确认审核组：" + "、".join(f"{u.get_full_name()}（{_role_zh(r)}）" for u, r in team)
                             + "；资格、能力、继续教育、公正性和时间安排复核通过",
                     data={"team": data})
    return conf


def replan_audit(audit: Audit, *, by, start_date: date, end_date: date, reason: str) -> Audit:
    """Move a planned audit to new dates with the reason: the same checks as planning it (interval,
    programme window, stage order, the full team check without the audit itself); the old dates stay
    in the record event."""
    require_role(by, Role.PROGRAMME_MANAGER)
    require(audit.status == Audit.PLANNED, "R8.1-programme", _("Only an audit that has not started can be moved."),
            field="status")
    reason = (reason or "").strip()
    require(bool(reason), "R8.1-programme", _("Give the reason for replanning."), field="reason")
    require(start_date is not None and end_date is not None and end_date >= start_date, "R7.3.1",
            _("The end date cannot be before the start date."), field="end_date")
    if audit.kind == Audit.SURVEILLANCE and audit.certificate_id:
        check_surveillance(audit.certificate, start_date, end_date, exclude_audit=audit)
    check_in_window(audit.programme_entries.filter(superseded_at__isnull=True).first(), start_date, end_date)
    if audit.application_id and audit.kind in (Audit.STAGE1, Audit.STAGE2):
        others = audit.application.audits.exclude(status=Audit.CANCELLED).exclude(pk=audit.pk)
        if audit.kind == Audit.STAGE2:
            stage1 = others.filter(kind=Audit.STAGE1).first()
            require(stage1 is None or start_date >= stage1.end_date, "R7.4.1-S2",
                    _("Stage 2 cannot start before stage 1 ends."), field="start_date")
        else:
            stage2 = others.filter(kind=Audit.STAGE2).first()
            require(stage2 is None or stage2.start_date >= end_date, "R7.4.1-S2",
                    _("Stage 2 cannot start before stage 1 ends."), field="end_date")
    need = teamcheck.need_for(audit.organisation, start=start_date, end=end_date, auditor_days=audit.auditor_days)
    teamcheck.require_team(need, team_of(audit), exclude_audit=audit)
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        old = (locked.start_date, locked.end_date)
        locked.start_date, locked.end_date = start_date, end_date
        locked.save(update_fields=["start_date", "end_date"])
        chain.append("audit.replanned", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"调整{locked.get_kind_display()}日期：由 {old[0]} 至 {old[1]} 改为 {start_date} 至 "
                             f"{end_date}，原因：{reason}",
                     data={"previous": [str(old[0]), str(old[1])], "start": str(start_date), "end": str(end_date),
                           "reason": reason})
    audit.start_date, audit.end_date = start_date, end_date
    return locked


def _role_zh(role: str) -> str:
    return {"leader": "审核组长", "auditor": "审核员", "technical_expert": "技术专家"}.get(role, role)


# ---------------------------------------------------------------------------------------------
# The audit plan document (PDF/A, Chinese, SHA-256 in the record)
# ---------------------------------------------------------------------------------------------


def may_issue_plan(audit: Audit, user) -> bool:
    return user.is_authenticated and (user.has_role(Role.PROGRAMME_MANAGER) or audit.team.filter(
        user=user, role="leader").exists())


def issue_audit_plan(audit: Audit, *, by, key_points: str = "", site_days: str = "",
                     site_allocation=None) -> AuditPlanDocument:
    """Render and store the audit plan; a new version each time, every version kept. The time per
    site (``site_allocation``: site id → auditor-days) is checked against the audit's days and the
    IAF MD1 sample (R7.3.3); without it the even default allocation is used."""
    if not may_issue_plan(audit, by):
        raise PermissionDenied(_("Only the programme manager or the team leader issues the audit plan."))
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.4.3",
            _("The plan of a closed audit cannot be issued again."), field="status")
    require(audit.team.filter(role="leader").exists(), "R7.3.2", _("The audit has no team leader."), field="team")
    remote.require_method_allowed(audit)  # the plan states the method: on site, or under an approved deviation
    key_points = (key_points or "").strip()
    rows = sitetime.check_allocation(audit, site_allocation) if site_allocation is not None else None
    # The agenda saved before issuing is checked again (the team or the dates may have changed since) and
    # must give a slot to every site the plan gives time to (CB-audit-plan, R7.3.3; programme/agenda.py).
    saved = AuditAgenda.objects.filter(audit=audit).first()
    require(saved is not None and bool(saved.slots), "CB-audit-plan",
            _("Set the agenda of the audit before issuing the plan."), field="agenda")
    slots = agenda.check_agenda(audit, saved.slots)
    agenda.check_sites_covered(audit, slots, rows if rows is not None else sitetime.default_allocation(audit))
    content = plan_content(audit, key_points=key_points, site_days=(site_days or "").strip(), site_time=rows,
                           agenda_slots=slots)
    with transaction.atomic():
        version = (audit.plan_documents.aggregate(m=Max("version"))["m"] or 0) + 1
        pdf = render_plan_pdf(audit, content, version=version)
        digest = record_pdf(pdf)  # RR-format: PDF/A, or refused
        doc = AuditPlanDocument(audit=audit, version=version, key_points=key_points, content=content,
                                sha256=digest, issued_by=by)
        doc.pdf.save(f"audit-plan-{audit.pk}-v{version}.pdf", ContentFile(pdf), save=False)
        doc.save()
        chain.append("audit.plan_issued", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"发布{audit.get_kind_display()}计划（第 {version} 版），SHA-256 {digest[:16]}…",
                     data={"version": version, "pdf_sha256": digest, "method": audit.method,
                           "key_points": key_points, "site_time": content["site_time"], "agenda": slots})
    return doc


# ---------------------------------------------------------------------------------------------
# Planning one audit (R7.3): time, team, window
# ---------------------------------------------------------------------------------------------


def _check_team(team: list[tuple], audit_kind: str) -> None:
    """R7.3.2: exactly one team leader; members hold auditor or technical expert roles."""
    require(len(team) > 0, "R7.3.2", _("Name the audit team."), field="team")
    leaders = [u for u, role in team if role == AuditTeamMember.LEADER]
    require(len(leaders) == 1, "R7.3.2", _("The team needs exactly one team leader."), field="team")
    require(leaders[0].has_role(Role.AUDITOR), "R7.3.2",
            _("The team leader must be a registered auditor (%(name)s is not)."), field="team",
            params={"name": leaders[0].get_full_name()})
    users = [u.pk for u, _role in team]
    require(len(users) == len(set(users)), "R7.3.2", _("A person is named twice in the team."), field="team")
    for user, role in team:
        needed = Role.TECHNICAL_EXPERT if role == AuditTeamMember.EXPERT else Role.AUDITOR
        require(user.has_role(needed) and not user.is_client, "R4.A1",
                _("%(name)s does not hold the role needed for this team position."), field="team",
                params={"name": user.get_full_name()})


def plan_audit(org: Organisation, *, by, kind: str, start_date: date, end_date: date, auditor_days,
               team: list[tuple], application: Application | None = None, certificate=None, method: str = "FS01",
               offsite: bool = False, offsite_reason: str = "", scope: str = "", combined_with=()) -> Audit:
    """The programme manager plans an audit with its team (R7.3): enough time for the client (R7.3.3,
    RB; R10-time when ``combined_with`` names other management systems audited together, each with
    its separate time), a team that passes the register check, inside its programme window."""
    require_role(by, Role.PROGRAMME_MANAGER)
    days = Decimal(str(auditor_days))
    require(end_date >= start_date, "R7.3.1", _("The end date cannot be before the start date."), field="end_date")
    require(days > 0, "RB", _("Give the auditor-days."), field="auditor_days")
    require(kind in dict(Audit.KINDS), "R2", _("Unknown audit type."), field="kind")
    require(method in dict(Audit.METHODS), "R7.4.3", _("Use audit method FS01, FS02 or FS03."), field="method")
    if kind != Audit.STAGE1:
        # Stage 2 collects its evidence at the organisation's site (R7.4.1-S2); surveillance and
        # recertification follow the initial audit's on-site procedure (R8.1.2, R8.2.1). Only stage 1 may
        # be held elsewhere, and only when one of O1–O3 holds (checked below).
        on_site_key = {Audit.STAGE2: "R7.4.1-S2", Audit.SURVEILLANCE: "R8.1.2",
                       Audit.RECERTIFICATION: "R8.2.1"}.get(kind, "R7.4.3")
        # enforces: R7.4.1-S2 R8.1.2 R8.2.1
        require(method == "FS01" and not offsite, on_site_key,
                _("This audit is held at the organisation's site (method FS01): only stage 1 may be held elsewhere, "
                  "when one of O1–O3 holds."), field="method")
    else:
        require(method == "FS01" or offsite, "R7.4.1-S1-offsite",
                _("A remote or mixed stage 1 is an off-site stage 1: mark it off site and give the condition "
                  "O1–O3 that allows it."), field="method")
    systems = timing.combined_systems(combined_with)
    if kind in (Audit.STAGE1, Audit.STAGE2):
        from tancert.clients.contracts.actions import contract_allows_planning

        require(application is not None and application.status == Application.ACCEPTED, "R7.2-contract",
                _("An initial audit can be planned only for an accepted application."), field="application")
        require(contract_allows_planning(application), "R7.2-contract",
                _("The certification contract must be signed and paid before audits are planned."),
                field="application")
    if kind == Audit.STAGE1 and offsite:
        # Off site only when one of O1–O3 holds for the application; its reason is the default text.
        from tancert.clients.estimate import offsite_facts
        from tancert.planning.offsite import require_offsite_allowed

        decision = require_offsite_allowed(offsite_facts(application))
        offsite_reason = offsite_reason.strip() or decision.reason_zh
    if kind == Audit.STAGE2:
        stage1 = application.audits.filter(kind=Audit.STAGE1).exclude(status=Audit.CANCELLED).first()
        require(stage1 is not None, "R7.4.1-S1", _("Plan stage 1 before stage 2."), field="kind")
        require(start_date >= stage1.end_date, "R7.4.1-S2", _("Stage 2 cannot start before stage 1 ends."),
                field="start_date")
        # The combined systems of an initial audit may be named on either stage; stage 2's list wins.
        systems = systems or timing.combined_systems(stage1.combined_with)
        timing.require_enough_time(kind, stage1.auditor_days + days, application, systems)
    elif kind in (Audit.SURVEILLANCE, Audit.RECERTIFICATION):
        require(certificate is not None, "R8.1-programme",
                _("Surveillance and recertification audits belong to a certificate."), field="certificate")
        timing.require_enough_time(kind, days, application_for(application, certificate), systems)
        if kind == Audit.SURVEILLANCE:
            check_surveillance(certificate, start_date, end_date)
    sequence = 0
    if kind == Audit.SURVEILLANCE:
        sequence = certificate.audits.filter(kind=Audit.SURVEILLANCE).exclude(status=Audit.CANCELLED).count() + 1
    entry = entry_for(org, kind, sequence)
    check_in_window(entry, start_date, end_date)
    _check_team(team, kind)
    # The full check against the register on the audit dates (R7.3.2, docs/planning.md §3–4): every problem is shown
    # on the plan form (views_planning); here the first one refuses the plan.
    teamcheck.require_team(teamcheck.need_for(org, start=start_date, end=end_date, auditor_days=days), team)
    with transaction.atomic():
        audit = Audit.objects.create(
            organisation=org, application=application, certificate=certificate, kind=kind, sequence=sequence,
            start_date=start_date, end_date=end_date, auditor_days=days, method=method, offsite=offsite,
            offsite_reason=offsite_reason.strip(), scope=scope or (application.scope if application else ""),
            planned_by=by, combined_with=timing.stored(systems),
        )
        for user, role in team:
            AuditTeamMember.objects.create(audit=audit, user=user, role=role)
        link_audit(audit, entry)
        chain.append("audit.planned", subject=audit, by=by, organisation=org,
                     summary=f"策划{audit.get_kind_display()}：{start_date:%Y-%m-%d} 至 {end_date:%Y-%m-%d}，"
                             f"{days} 人日，审核组 " + "、".join(u.get_full_name() for u, _r in team),
                     data={"kind": kind, "start": start_date.isoformat(), "end": end_date.isoformat(),
                           "auditor_days": str(days), "method": method, "offsite": offsite,
                           "team": [{"user": u.username, "role": r} for u, r in team],
                           "combined_with": timing.stored(systems)})
    return audit


def planned_days(application: Application) -> Decimal:
    return application.audits.exclude(status=Audit.CANCELLED).aggregate(s=Sum("auditor_days"))["s"] or Decimal(0)
