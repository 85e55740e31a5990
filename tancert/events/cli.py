"""`tancert event template [--example] F.xlsx` and `tancert event check F [--json] [--report OUT.pdf]`.

Exit codes as the GHG engine's: 0 no blocking finding, 2 at least one blocking finding, 1 bad input."""

from __future__ import annotations

import sys

from tancert.ghg.levelcli import findings_text
from tancert.ghg.levelcli import main as level_main


def _text(result) -> str:
    d = result.to_json()
    lines = [f"{d['event']} — {d['organiser']}, {d['start']} – {d['end']}",
             f"Total {d['total_tco2e']:,.3f} tCO2e; offsets retired {d['offsets_retired_tco2e']:,.3f}; "
             f"balance {d['balance_tco2e']:,.3f} → {'carbon neutral 碳中和' if d['neutral'] else 'NOT neutral 未实现碳中和'}",
             "By category: " + ", ".join(f"{k} {v:,.3f}" for k, v in d["by_category"].items()),
             "By phase: " + ", ".join(f"{k} {v:,.3f}" for k, v in d["by_phase"].items()),
             f"\nFindings: {len(d['findings'])}"]
    lines += findings_text(d["findings"])
    lines.append("\nFactors used:")
    lines += [f"  {f['id']} = {f['value']} {f['unit']} ({f['source']}; {f['confidence']})" for f in d["factors_used"]]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from .engine import check
    from .report import render_pdf
    from .template import write_template

    return level_main(argv, prog="tancert event", about="Large-event carbon neutrality (R5.d)",
                      write_template=write_template, check=check, render_pdf=render_pdf, text=_text)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
