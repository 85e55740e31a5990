"""Check-in anomalies as pure functions (CB-checkin; docs/obligations.md "审核签到"; reference/regulatory.md §B).

The CNCA check-in system (认证到) takes two check-ins per audit team: at the start of the opening meeting and
at the end of the closing meeting. Its FAQ (secondary source) gives the windows:

- opening: no later than 2 h after the opening meeting starts; earlier is allowed, but only on that same day;
- closing: not before the closing meeting starts and no later than 2 h after it ends.

Anomaly rules at launch: (1) 未签到 — a check-in missing once the plan's end date has passed; (2) 地点偏差 — more
than 5 km from the planned address (the threshold is cut off in every copy: provisional); the third rule was
not established, so none is invented here. A check-in outside its window is not one of the named rules: we
flag it as 时间偏差 because the window is the system's own, and say so in the docs.

The audit plan stores its days, not the meeting times. When a meeting time is unknown, only what the days
can judge is judged: the opening meeting is on the first planned day and the closing meeting on the last
(*inference*), so a check-in on another day is outside its window. Distance is judged only when both a
planned position and a recorded position exist; none is geocoded today, so the rule does not fire.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

OPENING, CLOSING = "opening", "closing"
MEETING_ZH = {OPENING: "首次会议", CLOSING: "末次会议"}
MISSING, WINDOW, LOCATION = "missing", "window", "location"
KIND_ZH = {MISSING: "未签到", WINDOW: "时间偏差", LOCATION: "地点偏差"}

OPENING_LATEST = timedelta(hours=2)  # after the opening meeting starts (FAQ, secondary)
CLOSING_LATEST = timedelta(hours=2)  # after the closing meeting ends (FAQ, secondary)
DISTANCE_KM = 5.0  # "超过5公…" — cut off in every copy: provisional
EXPLAIN_WORKING_DAYS = 5  # the body explains within 5 working days after the audit ends (secondary)


@dataclass(frozen=True)
class Meetings:
    """What the plan says about the meetings: the days, and the times when they are known."""

    first_day: date
    last_day: date
    opening_start: datetime | None = None
    closing_start: datetime | None = None
    closing_end: datetime | None = None


@dataclass(frozen=True)
class Seen:
    """One recorded check-in: when (local time), and where when a position was recorded."""

    meeting: str
    at: datetime
    position: tuple[float, float] | None = None


@dataclass(frozen=True)
class Anomaly:
    kind: str  # missing / window / location
    meeting: str  # opening / closing
    expected: str  # Chinese: what the rule expects
    happened: str  # Chinese: what was recorded

    @property
    def key(self) -> str:
        """Stable name of the anomaly, the explanations hang on it."""
        return f"{self.kind}:{self.meeting}"

    @property
    def label(self) -> str:
        return f"{MEETING_ZH[self.meeting]}{KIND_ZH[self.kind]}"


def _t(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def window(meeting: str, m: Meetings) -> tuple[datetime | None, datetime | None, str]:
    """The window a check-in must fall in: (earliest, latest, Chinese statement). Without meeting times the
    bounds are None and the statement names the day only."""
    if meeting == OPENING:
        if m.opening_start is None:
            return None, None, f"首次会议当日（{m.first_day:%Y-%m-%d}，计划首日）签到"
        start = m.opening_start
        day_start = datetime.combine(start.date(), datetime.min.time(), tzinfo=start.tzinfo)
        latest = start + OPENING_LATEST
        return day_start, latest, f"首次会议当日、不晚于会议开始后 2 小时（{_t(latest)}）签到"
    if m.closing_start is None or m.closing_end is None:
        return None, None, f"末次会议当日（{m.last_day:%Y-%m-%d}，计划末日）签退"
    latest = m.closing_end + CLOSING_LATEST
    return m.closing_start, latest, f"末次会议开始（{_t(m.closing_start)}）后、结束后 2 小时（{_t(latest)}）内签退"


def outside_window(seen: Seen, m: Meetings) -> bool:
    earliest, latest, _text = window(seen.meeting, m)
    if earliest is None:
        day = m.first_day if seen.meeting == OPENING else m.last_day
        return seen.at.date() != day
    return not (earliest <= seen.at <= latest)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def anomalies(m: Meetings, seen: list[Seen], *, today: date,
              planned_position: tuple[float, float] | None = None) -> list[Anomaly]:
    """Every anomaly of one audit's check-ins, in meeting order."""
    out = []
    by_meeting = {s.meeting: s for s in seen}
    for meeting in (OPENING, CLOSING):
        s = by_meeting.get(meeting)
        _e, _l, expected = window(meeting, m)
        if s is None:
            if today > m.last_day:  # flagged after the plan's end date (rule 1)
                out.append(Anomaly(MISSING, meeting, expected, f"计划末日 {m.last_day:%Y-%m-%d} 之后仍无签到记录"))
            continue
        if outside_window(s, m):
            out.append(Anomaly(WINDOW, meeting, expected, f"{_t(s.at)} 签到"))
        if planned_position is not None and s.position is not None:
            km = distance_km(planned_position, s.position)
            if km > DISTANCE_KM:
                out.append(Anomaly(LOCATION, meeting, f"距计划审核地址不超过 {DISTANCE_KM:g} 公里（暂定阈值）",
                                   f"距计划审核地址约 {km:.1f} 公里"))
    return out


def explanation_deadline(audit_end: date, add_working_days: Callable[[date, int], date]) -> date:
    """The body's explanation is due 5 working days after the audit's last day (the day itself not counted)."""
    return add_working_days(audit_end, EXPLAIN_WORKING_DAYS)
