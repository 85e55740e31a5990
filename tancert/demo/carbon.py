"""Demo seed for the carbon data verification (docs/audits.md §8): 东方水泥 has uploaded its inventory and the
auditor has checked part of the sample — the rest is left for whoever tries the demo."""

from __future__ import annotations

import json

from tancert.audits.carbon import actions as carbon
from tancert.ghg.example import example_dataset


def seed_inventory(audit, client_user, auditor, *, checked: int = 6) -> None:
    data = example_dataset()
    data["settings"]["organisation"] = audit.organisation.name
    up = carbon.upload_inventory(audit, by=client_user, filename="东方水泥-2024-碳排放清单.json",
                                 content=json.dumps(data, ensure_ascii=False).encode())
    sources = ("invoice", "ledger", "meter_reading")
    for i, rec in enumerate(up.sample[:checked]):
        carbon.record_sample_check(up, by=auditor, row=rec["row"], source_kind=sources[i % 3],
                                   reference=f"{rec['source_id']}-{rec['period']} 原始凭证", value_found=rec["quantity"],
                                   result="agrees")
