"""Pure, database-free audit planning engine (docs/planning.md).

* :mod:`.audittime` — audit-time calculator (R7.3.1, R7.3.3, Appendix B, R10-time, IAF MD5/MD1/MD11);
* :mod:`.programme` — the 3-year programme windows (R8.1.1-interval, R8.1.1-extra, R9.3-renewal);
* :mod:`.teams` — team composition check and team suggestion (R7.3.2, R7.3.3, R4);
* :mod:`.offsite` — stage 1 off-site eligibility (R7.4.1-S1-offsite, O1–O3).

Nothing here touches the database: models and views convert their rows into these dataclasses,
call the functions and store the results. Every refusal is a
:class:`tancert.scheme.violations.RuleViolation` carrying the rule key.
"""
