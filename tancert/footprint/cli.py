"""`tancert footprint …` — template, check, data.

Exit codes of `check`: 0 no blocking finding, 2 at least one blocking finding, 1 bad input (the file
cannot be read or solved; every problem located by sheet, row and column, in English or — with
--lang zh — Chinese; with --json the errors carry both).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tancert.ghg.cli import _json_out

EXIT_OK, EXIT_BAD_INPUT, EXIT_BLOCKING = 0, 1, 2
MAX_ITERATIONS = 1_000_000


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tancert footprint", description="product carbon footprint (ISO 14067 / GB/T 24067)")
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("template", help="write the Excel template")
    t.add_argument("file", metavar="FILE.xlsx")
    t.add_argument("--example", action="store_true", help="fill it with the worked example")
    d = sub.add_parser("data", help="the background data sets tancert ships, and what it does not ship")
    d.add_argument("--json", action="store_true")
    c = sub.add_parser("check", help="solve a footprint workbook and run its checks")
    c.add_argument("file", metavar="FILE.xlsx")
    c.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    c.add_argument("--report", metavar="OUT.pdf", help="write the PDF report (Chinese)")
    c.add_argument("--monte-carlo", metavar="N", type=int, help="also run Monte Carlo with N iterations")
    c.add_argument("--seed", metavar="S", type=int, help="random seed of the Monte Carlo draws")
    c.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the input errors on stderr")
    return p


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; our 2 means "blocking finding"
        return EXIT_OK if exc.code == 0 else EXIT_BAD_INPUT
    if args.cmd == "template":
        from .template import write_template

        print(f"template written: {write_template(args.file, example_data=args.example)}")
        return EXIT_OK
    if args.cmd == "data":
        return _data(args)
    return _check(args)


def _data(args) -> int:
    from .background import gaps, shipped

    ds = shipped()
    if args.json:
        _json_out({"datasets": [vars(d) for d in ds.values()], "gaps": gaps()})
        return EXIT_OK
    for d in ds.values():
        print(f"{d.id}\n    {d.value:g} kgCO2e/{d.unit} · {d.kind} · {d.confidence}\n    {d.document}")
    print("\nNot shipped 未内置:")
    for g in gaps():
        print(f"  {g['what']}: {g['why']}")
    return EXIT_OK


def _check(args) -> int:
    from .engine import check

    n = args.monte_carlo
    if n is not None and not 0 < n <= MAX_ITERATIONS:
        print(f"error: --monte-carlo N must be between 1 and {MAX_ITERATIONS:,}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from tancert.ghg.levelcli import run_check

    from .report import render_pdf

    return run_check(args, lambda: check(Path(args.file), monte_carlo_iterations=n, seed=args.seed),
                     render_pdf=render_pdf, text=statement_text)


def statement_text(result) -> str:
    j = result.to_json()
    s = result.model.settings
    a1 = j["uncertainty"]["approach1"]
    mc = j["uncertainty"]["monte_carlo"]
    o = j["by_origin"]
    lines = [f"{s.product} — {s.functional_unit} ({s.amount:g} {s.unit}), {s.boundary}, GWP {s.gwp}, "
             f"{j['processes']} processes, {j['exchanges']} exchanges",
             f"Carbon footprint {j['total_kgco2e_per_unit']:,.3f} kgCO2e per unit  "
             f"(Approach 1 ±{a1['u_pct']:.1f}%" + (f"; Monte Carlo {mc['iterations']}: 95% {mc['lower']:,.3f} – "
                                                   f"{mc['upper']:,.3f}" if mc else "") + ")",
             f"Fossil {o['fossil']:,.3f}, background {o['background']:,.3f}, biogenic emissions {o['biogenic']:,.3f}, "
             f"biogenic removals {o['removal']:,.3f}, land-use change {o['luc']:,.3f} kgCO2e (reported separately)",
             "By stage: " + ", ".join(f"{k}: {v:,.3f}" for k, v in j["by_stage"].items() if v),
             "By gas: " + ", ".join(f"{k}: {v:,.3f}" for k, v in j["by_gas"].items()),
             f"Primary data share {j['primary_data_share']:.1f}%",
             "Top processes: " + "; ".join(f"{p['process']} {p['kgco2e']:,.3f}" for p in j["by_process"][:5])]
    sens = j["allocation_sensitivity"]
    if sens["applies"]:
        lines.append("Allocation: " + ", ".join(
            f"{m}{'*' if v.get('chosen') else ''} {v['total_kgco2e_per_unit']:,.3f}"
            if v["total_kgco2e_per_unit"] is not None else f"{m} n/a" for m, v in sens["methods"].items()))
    f = result.findings
    lines.append(f"\nFindings: {f.count('blocking')} blocking, {f.count('warning')} warning, {f.count('info')} info")
    for b in f.summary():
        rows = f" rows {', '.join(map(str, b['rows']))}" if b["rows"] else ""
        lines.append(f"  [{b['rule']}] {b['severity']}: {b['message']} — {b['sheet']}{rows}")
    lines.append("\nFactors used:")
    for x in j["factors_used"]:
        mark = "  ⚠ UNVERIFIED 未核实" if x["unverified"] else ""
        lines.append(f"  {x['id']} = {x['value']:g} {x['unit']} ({x['confidence']}){mark}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
