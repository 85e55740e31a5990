"""The meter-series part of `tancert ghg check --meters` as text (the JSON is meterchecks.check_series' report)."""

from __future__ import annotations


def meters_text(report: dict) -> str:
    files = ", ".join(f"{f['name']} ({f['readings']:,} readings, sha256 {f['sha256'][:12]}…)" for f in report["files"])
    lines = [f"\nMeter series: {files}",
             f"  tolerance {report['tolerance_pct']:g} %, gap ≥ {report['gap_intervals']} intervals, "
             f"flat-line ≥ {report['flat_intervals']} intervals"]
    for m in report["meters"]:
        lines.append(f"  {m['meter_id']} ({m['unit']}, {m['interval_minutes']} min): {m['readings']:,} readings "
                     f"{m['first']} – {m['last']}; lapsed calibration {m['lapsed_readings']:,} readings, "
                     f"gaps {m['gaps']} ({m['missing_intervals']:,} intervals), flat-lines {m['flat_lines']}")
        off = [x for x in m["months"] if not x["within_tolerance"]]
        if m["not_covered"]:
            nc = m["not_covered"]
            lines.append(f"    records outside the series, not compared: {', '.join(nc[:6])}{' …' if len(nc) > 6 else ''}")
        if not m["months"]:
            lines.append("    no inventory record in the series' months names this meter: not reconciled")
        elif not off:
            lines.append(f"    {len(m['months'])} periods reconciled within tolerance")
        for x in m["unbooked"]:
            lines.append(f"    {x['month']}: metered {x['metered']:,.6g} {m['unit']}, no inventory record names the meter")
        for x in off:
            pct = f"{x['difference_pct']:.2f} %" if x["difference_pct"] is not None else "no metered quantity"
            lines.append(f"    {x['month']}: inventory {x['inventory']:,.6g} vs metered {x['metered']:,.6g} {m['unit']}, "
                         f"difference {x['difference']:+,.6g} ({pct}); readings {x['readings']:,} of "
                         f"{x['expected_readings']:,}")
    return "\n".join(lines)
