"""The agenda of the audit plan (docs/audits.md, "Audit plan and agenda"): per day and time slot the
opening meeting, what is audited (processes, clauses) at which site by whom, the carbon data
verification sessions and the closing meeting.

Pure functions: ``check_agenda`` turns what a form or the API sent into normalised slots or refuses
with the first problem (field ``agenda``, the slot's number in the message); ``check_sites_covered``
holds the agenda to the plan's time per site; ``proposed_agenda`` is the starting point the page
offers; ``display_rows`` are the Chinese rows the plan PDF shows (names, never ids or enum values).

Rule keys: the scheme has no clause on the plan's content — R7.3.1 asks for the programme, R7.3.3 for
time adjusted to the site, R7.4.3 names the methods (carbon data collected and calculated). The
agenda itself is the body's duty ``CB-audit-plan`` (ISO/IEC 17021-1 §9.2.3, as cited by CB
procedures; docs/obligations.md); sites follow R7.3.3 and the carbon session R7.4.3.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.audits.programme import sitetime
from tancert.scheme.violations import require

OPENING, AUDIT, CARBON, CLOSING = "opening", "audit", "carbon", "closing"
KINDS = [(OPENING, _("opening meeting")), (AUDIT, _("audit of processes and clauses")),
         (CARBON, _("carbon data verification")), (CLOSING, _("closing meeting"))]
KIND_ZH = {OPENING: "首次会议", AUDIT: "过程和条款审核", CARBON: "碳数据核查", CLOSING: "末次会议"}
WORK = (AUDIT, CARBON)  # the slots in which someone audits something
MAX_SLOTS = 200
MAX_TOPIC = 500
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def site_key(site_id) -> str:
    """A site's key on the agenda: its id, or "0" for the pseudo-site of an organisation without a site list."""
    return str(site_id) if site_id else "0"


def audit_days(audit: Audit) -> list[date]:
    n = (audit.end_date - audit.start_date).days
    return [audit.start_date + timedelta(days=i) for i in range(n + 1)]


def needs_carbon_session(audit: Audit) -> bool:
    """Stage 1 reviews the carbon review and baseline (R7.4.1-S1); every later audit collects and
    calculates carbon data on the agenda (R7.4.3)."""
    return audit.kind != Audit.STAGE1


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _slot(raw, n: int, audit: Audit, days: set[str], sites: dict[str, str], team: dict[int, str]) -> dict:
    """One slot, normalised, or the slot's first problem."""
    require(isinstance(raw, dict), "CB-audit-plan", _("Slot %(n)s: give the day, the start and end time (HH:MM) and "
            "the kind of the slot."), field="agenda", params={"n": n})
    day, start, end = (str(raw.get(k) or "").strip() for k in ("day", "start", "end"))
    kind = str(raw.get("kind") or "").strip()
    require(bool(day) and bool(_TIME.match(start)) and bool(_TIME.match(end)) and kind in KIND_ZH, "CB-audit-plan",
            _("Slot %(n)s: give the day, the start and end time (HH:MM) and the kind of the slot."), field="agenda",
            params={"n": n})
    require(day in days, "CB-audit-plan",
            _("Slot %(n)s: %(day)s is not one of the audit's days (%(start)s to %(end)s)."), field="agenda",
            params={"n": n, "day": day[:10], "start": audit.start_date.isoformat(), "end": audit.end_date.isoformat()})
    require(_minutes(end) > _minutes(start), "CB-audit-plan",
            _("Slot %(n)s: the end time must be after the start time."), field="agenda", params={"n": n})
    topic = str(raw.get("topic") or "").strip()
    require(len(topic) <= MAX_TOPIC, "CB-audit-plan", _("Slot %(n)s: the description is too long (at most "
            "%(max)s characters)."), field="agenda", params={"n": n, "max": MAX_TOPIC})
    if kind in WORK:
        require(bool(topic), "CB-audit-plan", _("Slot %(n)s: say what is audited (processes, clauses, data)."),
                field="agenda", params={"n": n})
    site = raw.get("site")
    site = "" if site in (None, "") else str(site).strip()
    require(site == "" or site in sites, "R7.3.3", _("Slot %(n)s: the site is not a site of this organisation."),
            field="agenda", params={"n": n})
    if kind in WORK and not audit.offsite:
        require(bool(site), "R7.3.3", _("Slot %(n)s: name the site where this is audited."), field="agenda",
                params={"n": n})
    people = raw.get("auditors")
    try:
        ids = sorted({int(x) for x in people}) if isinstance(people, list | tuple) else []
    except (TypeError, ValueError):
        ids = []
    require(bool(ids) and all(i in team for i in ids), "CB-audit-plan",
            _("Slot %(n)s: name who takes part; only members of this audit's team can be named."), field="agenda",
            params={"n": n})
    return {"day": day, "start": start, "end": end, "kind": kind, "topic": topic, "site": site, "auditors": ids}


def check_agenda(audit: Audit, slots) -> list[dict]:
    """The agenda, normalised and sorted by day and time, or the first problem (CB-audit-plan, R7.3.3,
    R7.4.3): slots on the audit's days, team members only, nobody in two places at once, opening first
    and closing last, every team member with something to audit, the IAF MD1 sample of sites visited
    and, after stage 1, a carbon data verification session."""
    require(isinstance(slots, list | tuple) and 0 < len(slots) <= MAX_SLOTS, "CB-audit-plan",
            _("Give the agenda: between 1 and %(max)s time slots."), field="agenda", params={"max": MAX_SLOTS})
    days = {d.isoformat() for d in audit_days(audit)}
    sites = {site_key(s.site_id): s.name for s in sitetime.plan_sites(audit)}
    team = {m.user_id: (m.user.get_full_name() or m.user.username) for m in audit.team.select_related("user")}
    out = [_slot(raw, i, audit, days, sites, team) for i, raw in enumerate(slots, start=1)]
    for i, s in enumerate(out, start=1):
        s["n"] = i  # the number the user gave it, for messages
    out.sort(key=lambda s: (s["day"], _minutes(s["start"]), _minutes(s["end"]), s["n"]))
    openings = [s for s in out if s["kind"] == OPENING]
    closings = [s for s in out if s["kind"] == CLOSING]
    require(len(openings) == 1 and len(closings) == 1, "CB-audit-plan",
            _("The agenda has exactly one opening meeting and one closing meeting."), field="agenda")
    first, last = openings[0], closings[0]
    for s in out:
        if s is not first:
            require((s["day"], _minutes(s["start"])) >= (first["day"], _minutes(first["end"])), "CB-audit-plan",
                    _("The opening meeting comes first: slot %(n)s starts before it ends."), field="agenda",
                    params={"n": s["n"]})
        if s is not last:
            require((s["day"], _minutes(s["end"])) <= (last["day"], _minutes(last["start"])), "CB-audit-plan",
                    _("The closing meeting comes last: slot %(n)s ends after it begins."), field="agenda",
                    params={"n": s["n"]})
    _check_overlaps(out, team)
    working = {a for s in out if s["kind"] in WORK for a in s["auditors"]}
    for uid, name in team.items():
        require(uid in working, "CB-audit-plan",
                _("%(name)s has nothing to audit on the agenda: give every team member processes, sites or data "
                  "to audit."), field="agenda", params={"name": name})
    if needs_carbon_session(audit):
        require(any(s["kind"] == CARBON for s in out), "R7.4.3",
                _("The agenda has no carbon data verification session: plan when the carbon data are collected "
                  "and calculated."), field="agenda")
    needed = sitetime.required_visits(audit, len(sites))
    if needed:
        visited = {s["site"] for s in out if s["kind"] in WORK and s["site"]}
        central = next(iter(sites))
        require(central in visited and len(visited) >= needed, "R7.3.3",
                _("IAF MD1: the agenda must visit at least %(needed)s sites, the central function included; it "
                  "visits %(visited)s."), field="agenda", params={"needed": needed, "visited": len(visited)})
    for s in out:
        s.pop("n")
    return out


def _check_overlaps(slots: list[dict], team: dict[int, str]) -> None:
    busy: dict[int, list[dict]] = {}
    for s in slots:
        for uid in s["auditors"]:
            for other in busy.get(uid, []):
                if other["day"] == s["day"] and _minutes(s["start"]) < _minutes(other["end"]):
                    require(False, "CB-audit-plan",
                            _("%(name)s is in two places at once: slots %(a)s and %(b)s overlap."), field="agenda",
                            params={"name": team[uid], "a": min(other["n"], s["n"]), "b": max(other["n"], s["n"])})
            busy.setdefault(uid, []).append(s)


def check_sites_covered(audit: Audit, slots: list[dict], rows: list[sitetime.SiteTime]) -> None:
    """At issue: every site the plan gives time to has a slot on the agenda (R7.3.3)."""
    if audit.offsite:
        return
    visited = {s["site"] for s in slots if s["kind"] in WORK}
    for r in rows:
        require(r.days == 0 or site_key(r.site_id) in visited, "R7.3.3",
                _("%(site)s has %(days)s auditor-days in the plan but no slot on the agenda."), field="agenda",
                params={"site": r.name, "days": r.days})


def proposed_agenda(audit: Audit) -> list[dict]:
    """A valid starting agenda: opening on the first morning, every team member auditing from 09:00,
    every site visited, the team leader's carbon data verification in the last afternoon, closing at
    16:30 on the last day. The planner edits it; nothing is saved until the planner saves it."""
    days = [d.isoformat() for d in audit_days(audit)]
    members = [m.user_id for m in audit.team.order_by("pk")]
    leader = audit.team.filter(role="leader").values_list("user_id", flat=True).first() or (members[:1] or [None])[0]
    sites = [] if audit.offsite else [site_key(s.site_id) for s in sitetime.plan_sites(audit)]
    central = sites[0] if sites else ""
    topic = "文件评审及体系建立情况了解" if audit.kind == Audit.STAGE1 else "碳管理体系过程及条款审核"
    periods = [("09:00", "12:00"), ("13:00", "15:00")]
    cells = [(d, p) for d in days for p in periods]
    if len(cells) * max(1, len(members)) < len(sites) + len(members) + 1:
        periods = [("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00"), ("13:00", "14:00"), ("14:00", "15:00")]
        cells = [(d, p) for d in days for p in periods]
    free = {(c, m) for c in cells for m in members}
    out = [{"day": days[0], "start": "08:30", "end": "09:00", "kind": OPENING, "topic": "", "site": central,
            "auditors": members}]
    carbon_cell = (cells[-1], leader)
    if needs_carbon_session(audit) and leader is not None:
        free.discard(carbon_cell)
    todo = list(sites) or [""]
    todo += [central] * max(0, len(members) - len(todo))
    order = [(c, m) for c in cells for m in members]
    for site in todo:
        slot = next((cm for cm in order if cm in free), None)
        if slot is None:
            break
        free.discard(slot)
        (day, (start, end)), uid = slot
        out.append({"day": day, "start": start, "end": end, "kind": AUDIT, "topic": topic, "site": site,
                    "auditors": [uid]})
    if needs_carbon_session(audit) and leader is not None:
        (day, (start, end)) = carbon_cell[0]
        out.append({"day": day, "start": start, "end": end, "kind": CARBON, "topic": "碳排放数据收集、计算及抽样核对",
                    "site": central, "auditors": [leader]})
    out.append({"day": days[-1], "start": "16:30", "end": "17:00", "kind": CLOSING, "topic": "", "site": central,
                "auditors": members})
    return out


def display_rows(audit: Audit, slots: list[dict]) -> list[dict]:
    """The Chinese rows of the plan PDF and the pages: names instead of ids, labels instead of kinds."""
    sites = {site_key(s.site_id): s.name for s in sitetime.plan_sites(audit)}
    names = {m.user_id: m.user.get_full_name() or m.user.username for m in audit.team.select_related("user")}
    rows = []
    for s in slots:
        rows.append({"day": s["day"], "time": f"{s['start']}–{s['end']}", "kind": KIND_ZH.get(s["kind"], ""),
                     "topic": s.get("topic", ""), "site": sites.get(s.get("site") or "", "—"),
                     "who": "、".join(names.get(u, "") for u in s.get("auditors", []))})
    return rows


def assignments(rows: list[dict]) -> list[dict]:
    """Who audits what, per person (the PDF's summary below the agenda)."""
    out: dict[str, list[str]] = {}
    for r in rows:
        if r["kind"] in (KIND_ZH[AUDIT], KIND_ZH[CARBON]):
            for name in r["who"].split("、"):
                out.setdefault(name, []).append(f"{r['day']} {r['time']} {r['site']}：{r['topic']}")
    return [{"name": k, "tasks": v} for k, v in out.items()]
