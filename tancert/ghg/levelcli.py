"""The shape shared by `tancert project …` and `tancert event …` (tancert/projects/cli.py, tancert/events/cli.py):
`template [--example] F.xlsx` and `check F [--json] [--report OUT.pdf] [--lang zh]`, with the GHG engine's exit
codes — 0 no blocking finding, 2 at least one blocking finding, 1 bad input (nothing computed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .cli import EXIT_BAD_INPUT, EXIT_BLOCKING, EXIT_OK, _json_out
from .errors import InputError


def main(argv: list[str], *, prog: str, about: str, write_template: Callable, check: Callable,
         render_pdf: Callable, text: Callable) -> int:
    p = argparse.ArgumentParser(prog=prog, description=about)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("template", help="write the Excel template")
    t.add_argument("file", metavar="FILE.xlsx")
    t.add_argument("--example", action="store_true", help="fill the sheets with the worked example")
    c = sub.add_parser("check", help="compute and check a workbook (.xlsx or .json)")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    c.add_argument("--report", metavar="OUT.pdf", help="write the PDF report (Chinese, PDF/A)")
    c.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the input-error list on stderr")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; our 2 means "blocking finding"
        return EXIT_OK if exc.code == 0 else EXIT_BAD_INPUT
    if args.cmd == "template":
        print(f"template written: {write_template(args.file, example=args.example)}")
        return EXIT_OK
    return run_check(args, lambda: check(Path(args.file)), render_pdf=render_pdf, text=text)


def run_check(args, compute: Callable, *, render_pdf: Callable, text: Callable) -> int:
    """`check`'s common tail (also `tancert footprint check`): bad input located on stderr (and in --json), the
    report, the result as JSON or text, and the exit code."""
    try:
        result = compute()
    except InputError as exc:
        if args.json:
            _json_out({"error": "bad input", "errors": [e.as_dict() for e in exc.errors]})
        head = "输入有误，未计算任何数据：" if args.lang == "zh" else "bad input — nothing computed:"
        print(f"{head}\n{exc.summary(lang=args.lang)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.report:
        Path(args.report).write_bytes(render_pdf(result))
    if args.json:
        _json_out(result.to_json())
    else:
        print(text(result))
        if args.report:
            print(f"report written: {args.report}")
    return EXIT_BLOCKING if result.blocking else EXIT_OK


def findings_text(findings: list[dict]) -> list[str]:
    return [f"  [{x['rule']} {x['check']}] {x['severity']}: {x['message']}"
            + (f" — {x['sheet']}" if x["sheet"] else "") + (f" row {x['row']}" if x["row"] else "") for x in findings]
