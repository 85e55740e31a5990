"""`tancert project template [--example] F.xlsx` and `tancert project check F [--json] [--report OUT.pdf]`.

Exit codes as the GHG engine's: 0 no blocking finding, 2 at least one blocking finding, 1 bad input."""

from __future__ import annotations

import sys

from tancert.ghg.levelcli import findings_text
from tancert.ghg.levelcli import main as level_main


def _text(result) -> str:
    d = result.to_json()
    m = d["methodology"]
    lines = [f"{d['project']} — {m['code']} {m['name_en']} ({m['confidence']})",
             f"Crediting period {d['crediting_period']['start']} – {d['crediting_period']['end']}",
             f"BE {d['baseline_tco2e']:,.3f}  PE {d['project_tco2e']:,.3f}  LE {d['leakage_tco2e']:,.3f}  "
             f"ER {d['reductions_tco2e']:,.3f} tCO2e"]
    lines += [f"  {p['period']} {p['start']} – {p['end']}: ER {p['reductions_tco2e']:,.3f}"
              + ("" if p["in_crediting_period"] else " (outside the crediting period, not counted)") for p in d["by_period"]]
    lines.append(f"\nFindings: {len(d['findings'])}")
    lines += findings_text(d["findings"])
    lines.append("\nFactors used:")
    lines += [f"  {f['id']} = {f['value']} {f['unit']} ({f['source']}; {f['confidence']})" for f in d["factors_used"]]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from .engine import check
    from .report import render_pdf
    from .template import write_template

    return level_main(argv, prog="tancert project", about="Project emission reductions (R5.c)",
                      write_template=write_template, check=check, render_pdf=render_pdf, text=_text)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
