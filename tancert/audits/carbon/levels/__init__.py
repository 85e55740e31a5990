"""Product, project and event inventories verified inside the audit (R5.b / R6.3-pcf, R5.c, R5.d; docs/footprint.md,
docs/projects.md, docs/events.md, "In the audit"), beside the organisation's inventory (tancert/audits/carbon).

This package's __init__ stays empty of imports: `child.py` runs as ``python -m`` in a bounded child process and
must not pull Django in."""
