"""Demo seed for the carbon data verification (docs/audits.md §8): 东方水泥 has uploaded its inventory and the
auditor has checked part of the sample — the rest is left for whoever tries the demo."""

from __future__ import annotations

import json

from tancert.audits.carbon import actions as carbon
from tancert.audits.findings import actions as finding_actions
from tancert.ghg.example import example_dataset


def seed_inventory(audit, client_user, auditor, *, checked: int | None = 6):
    """The client uploads its inventory; the auditor checks ``checked`` sampled records (None: all)."""
    data = example_dataset()
    data["settings"]["organisation"] = audit.organisation.name
    up = carbon.upload_inventory(audit, by=client_user, filename=f"{audit.organisation.name}-碳排放清单.json",
                                 content=json.dumps(data, ensure_ascii=False).encode())
    sources = ("invoice", "ledger", "meter_reading")
    for i, rec in enumerate(up.sample if checked is None else up.sample[:checked]):
        carbon.record_sample_check(up, by=auditor, row=rec["row"], source_kind=sources[i % 3],
                                   reference=f"{rec['source_id']}-{rec['period']} 原始凭证", value_found=rec["quantity"],
                                   result="agrees")
    return up


def verify_carbon(audit, client_user, auditor, lead) -> None:
    """The whole verification before stage 2 closes (R6, R7.4.3): every sampled record checked, each
    blocking data-quality finding confirmed as a minor nonconformity the client answers and the auditor
    accepts, the figures frozen for the report."""
    up = seed_inventory(audit, client_user, auditor, checked=None)
    for block in carbon.blocking_rules(up):
        finding = carbon.confirm_data_finding(up, by=lead, rule=block["rule"], grade="minor",
                                              evidence="抽样核查：计量器具检定记录不全")
        finding_actions.respond_to_finding(finding, by=client_user, correction="已补做检定并更新台账",
                                           root_cause="计量器具检定计划遗漏", corrective_action="纳入年度检定计划，每季度核对")
        finding_actions.review_finding_response(finding, by=auditor, outcome="accept")
    carbon.freeze_figures(audit, by=lead)
