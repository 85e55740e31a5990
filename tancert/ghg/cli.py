"""`tancert ghg …` — factors, template, check.

Exit codes of `check`: 0 no blocking finding, 2 at least one blocking finding, 1 bad input
(the file cannot be read or quantified; nothing is imported). `check --replay FROZEN.json`: 0 the
frozen results are reproduced, 2 they differ (the first differing figure is named), 1 bad record.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from .errors import InputError

EXIT_OK, EXIT_BAD_INPUT, EXIT_BLOCKING = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tancert ghg", description="GHG quantification and carbon-data verification")
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("factors", help="list and search the factor library")
    f.add_argument("--search", metavar="TEXT", help="substring in any field (id, activity, geography, document …)")
    f.add_argument("--gaps", action="store_true",
                   help="what the library does not ship (disputed defaults, combustion CH4/N2O) and why")
    f.add_argument("--sectors", action="store_true",
                   help="the sector methods: documents, source categories, formulas, defaults or why none (docs/ghg.md)")
    f.add_argument("--json", action="store_true")
    t = sub.add_parser("template", help="write the Excel template")
    t.add_argument("file", metavar="FILE.xlsx")
    t.add_argument("--example", action="store_true", help="fill the data sheets with the worked example")
    t.add_argument("--series", metavar="SERIES.csv",
                   help="also write an example meter series (15-minute readings of the example's meters, 2024)")
    c = sub.add_parser("check", help="quantify a data file and run the data-quality checks")
    c.add_argument("file", metavar="FILE", nargs="?", help=".xlsx, .csv or .json")
    c.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    c.add_argument("--report", metavar="OUT.pdf", help="write the PDF report (Chinese, PDF/A)")
    c.add_argument("--monte-carlo", metavar="N", type=int, help="also run Monte Carlo with N iterations")
    c.add_argument("--seed", metavar="S", type=int, help="random seed for sampling and Monte Carlo")
    c.add_argument("--max-findings", type=int, default=None, help="cap the findings listed in --json output")
    c.add_argument("--freeze", metavar="OUT.json", help="write a self-contained record: inputs, factors and results")
    c.add_argument("--replay", metavar="FROZEN.json",
                   help="recompute a frozen record without the factor library: exit 0 identical, 2 different")
    c.add_argument("--meters", metavar="SERIES", action="append",
                   help="meter series (.csv or .parquet: meter_id, timestamp, value, unit), repeatable: calibration, "
                        "gaps, flat-lines and the monthly reconciliation with the activity data (docs/ghg.md)")
    c.add_argument("--tolerance", metavar="PCT", type=float, default=None,
                   help="reconciliation tolerance of --meters, %% (default 2)")
    c.add_argument("--gap-intervals", metavar="N", type=int, default=None,
                   help="--meters: a gap is N or more missing intervals (default 4)")
    c.add_argument("--flat-intervals", metavar="N", type=int, default=None,
                   help="--meters: a flat-line is the same value in N or more consecutive intervals (default 16)")
    c.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the input-error list on stderr: en (default) or zh (简体中文)")
    return p


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; our 2 means "blocking finding"
        return EXIT_OK if exc.code == 0 else EXIT_BAD_INPUT
    if args.cmd == "factors":
        return _factors(args)
    if args.cmd == "template":
        from .template import write_template

        path = write_template(args.file, example=args.example)
        print(f"template written: {path}")
        if args.series:
            from .meterexample import write_example_series

            print(f"example series written: {write_example_series(args.series)}")
        return EXIT_OK
    return _check(args)


def _json_out(obj) -> None:
    """Print obj as strict JSON: a non-finite float (an undefined percentage of a zero total) is
    null — `NaN` and `Infinity` are not JSON and a consumer's parser would reject the document."""
    json.dump(_finite(obj), sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
    print()


def _finite(o):
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_finite(v) for v in o]
    return o


def _factors(args) -> int:
    from .library import default_library

    lib = default_library()
    if args.sectors:
        from dataclasses import asdict

        from .sectors import sectors

        secs = sectors()
        if args.json:
            _json_out({k: asdict(v) for k, v in secs.items()})
            return EXIT_OK
        for sec in secs.values():
            print(f"{sec.code} {sec.zh} — {'; '.join(sec.documents)} ({sec.document_confidence}; structure "
                  f"{sec.structure_confidence})")
            for c in sec.sources:
                print(f"  {c.code} {c.zh}: {c.equation}")
                for p in c.parameters:
                    print(f"    {p.name} [{p.unit}]: {p.default or 'no default — ' + p.reason}")
        return EXIT_OK
    if args.gaps:
        gaps = lib.gaps()
        if args.json:
            _json_out(gaps)
            return EXIT_OK
        for g in gaps:
            cands = " / ".join(f"{c:g}" for c in g["candidates"]) or "—"
            print(f"{g['table_id']} {g['activity']} {g['parameter']}{' ' + g['gas'] if g['gas'] else ''}: "
                  f"candidates {cands}\n    {g['reason']}")
        print(f"{len(gaps)} values not shipped")
        return EXIT_OK
    found = lib.search(args.search)
    if args.json:
        _json_out([f.as_dict() | {"unverified": f.unverified} for f in found])
        return EXIT_OK
    for f in found:
        val = f"{f.value:g}" if f.value is not None else "—（" + " / ".join(f"{c:g}" for c in f.candidates) + "）"
        mark = "  ⚠ UNVERIFIED 未核实" if f.unverified else ""
        year = f" data year {f.data_year}" if f.data_year else ""
        print(f"{f.id}\n    {val} {f.unit} · {f.geography_level} {f.geography}{year} · tier {f.tier} · "
              f"{f.confidence}{mark}\n    {f.document} {f.clause}")
    print(f"{len(found)} of {len(lib.factors)} values in {len(lib.tables)} tables")
    return EXIT_OK


def _check(args) -> int:
    from .engine import check

    if args.replay:
        return _replay(args)
    if not args.file:
        print("error: check needs FILE (or --replay FROZEN.json)", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.monte_carlo is not None and args.monte_carlo <= 0:
        print("error: --monte-carlo N must be a positive number of iterations", file=sys.stderr)
        return EXIT_BAD_INPUT
    opts = _meter_options(args)
    if isinstance(opts, str):
        print(f"error: {opts}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        result = check(Path(args.file), monte_carlo_iterations=args.monte_carlo, seed=args.seed,
                       meters=args.meters, meter_options=opts)
    except InputError as exc:
        if args.json:
            _json_out({"error": "bad input", "errors": [e.as_dict() for e in exc.errors]})
        head = "输入有误，未导入任何数据：" if args.lang == "zh" else "bad input — nothing imported:"
        print(f"{head}\n{exc.summary(lang=args.lang)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.freeze:
        from .freeze import freeze

        Path(args.freeze).write_text(json.dumps(freeze(result), ensure_ascii=False, indent=1), encoding="utf-8")
    if args.report:
        from .report import render_pdf

        Path(args.report).write_bytes(render_pdf(result))
    if args.json:
        _json_out(result.to_json(findings_limit=args.max_findings))
    else:
        print(statement_text(result))
        if result.meters is not None:
            from .meterreport import meters_text

            print(meters_text(result.meters))
        if args.report:
            print(f"report written: {args.report}")
    return EXIT_BLOCKING if result.blocking else EXIT_OK


def _meter_options(args):
    """The --meters settings, or the reason they are refused (a text)."""
    given = (args.tolerance, args.gap_intervals, args.flat_intervals)
    if not args.meters:
        return "--tolerance, --gap-intervals and --flat-intervals go with --meters" if any(
            v is not None for v in given) else None
    if args.freeze:
        return "--freeze records the inventory alone; run it without --meters"
    from .meterchecks import MeterOptions

    o = MeterOptions()
    if args.tolerance is not None:
        if not (math.isfinite(args.tolerance) and 0 <= args.tolerance <= 100):
            return "--tolerance is a percentage between 0 and 100"
        o.tolerance_pct = args.tolerance
    for name in ("gap_intervals", "flat_intervals"):
        v = getattr(args, name)
        if v is not None:
            if not 1 <= v <= 100_000:
                return f"--{name.replace('_', '-')} is a number of intervals between 1 and 100000"
            setattr(o, name, v)
    return o


def _replay(args) -> int:
    from .freeze import replay

    try:
        record = json.loads(Path(args.replay).read_text(encoding="utf-8"))
        diff, result = replay(record)
    except InputError as exc:
        head = "冻结记录的输入有误：" if args.lang == "zh" else "bad frozen inputs:"
        print(f"{head}\n{exc.summary(lang=args.lang)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot replay {args.replay}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = {"replay": "identical" if diff is None else "different", "first_difference": diff,
           "inputs_sha256": record.get("inputs_sha256")}
    if args.json:
        _json_out(out)
    elif diff is None:
        print(f"replay identical: inputs {record.get('inputs_sha256')}, total "
              f"{record['results']['total_tco2e']:,.3f} tCO2e")
    else:
        print(f"replay DIFFERENT — first differing figure: {diff}")
    return EXIT_OK if diff is None else EXIT_BLOCKING


def statement_text(result) -> str:
    s = result.summary
    inv = result.inventory
    unc = result.monte_carlo or result.uncertainty
    lines = [f"{inv.dataset.settings.organisation or inv.dataset.origin} — {s['year']}, method {inv.method}, "
             f"GWP {inv.gwp_basis}, {s['records']} records",
             f"Total {s['total_tco2e']:,.1f} tCO2e  (95%: {unc.total.lower:,.1f} – {unc.total.upper:,.1f}, "
             f"±{unc.total.u_pct:.1f}%, {unc.approach})",
             f"Biogenic CO2 (reported separately) {s['biogenic_co2_t']:,.1f} t",
             "By category: " + ", ".join(f"{k}: {v:,.1f}" for k, v in s["by_category"].items() if v),
             "By gas: " + ", ".join(f"{k}: {v:,.1f}" for k, v in s["by_gas"].items())]
    mk = result.market
    if mk is not None:  # market-based Scope 2 beside the location-based figure (market.py)
        lines.append(f"Scope 2 location-based {mk['scope2_location_tco2e']:,.1f} tCO2e; market-based "
                     + (f"{mk['scope2_market_tco2e']:,.1f} tCO2e (total {mk['market_based_tco2e']:,.1f}; "
                        f"{mk['covered_mwh']:,.3f} of {mk['grid_electricity_mwh']:,.3f} MWh covered by certificates, "
                        f"residual factor {mk['residual_factor']['id']} = {mk['residual_factor']['value']} "
                        f"{mk['residual_factor']['unit']}, {mk['residual_factor']['confidence']})"
                        if mk["scope2_market_tco2e"] is not None else "not computed (no residual factor)"))
    lines += result.performance.statements
    lines += [f"note: {n}" for n in unc.notes + result.performance.notes]
    f = result.findings
    lines.append(f"\nFindings: {f.count('blocking')} blocking, {f.count('warning')} warning, {f.count('info')} info")
    for b in f.summary():
        rows = ""
        if b["rows"]:
            more = f" … (+{b['count'] - len(b['rows'])})" if b["count"] > len(b["rows"]) else ""
            rows = f" rows {', '.join(map(str, b['rows']))}{more}"
        lines.append(f"  [{b['rule']}] {b['severity']}: {b['message']} — {b['sheet']}{rows}")
    lines.append("\nFactors used:")
    for x in inv.factors_used():
        mark = "  ⚠ UNVERIFIED 未核实" if x["unverified"] else ""
        lines.append(f"  {x['id']} = {x['value']} {x['unit']} ({x['confidence']}){mark}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
