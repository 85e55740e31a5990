"""Small builders shared by the GHG tests (plain module, no fixtures that need a database)."""

from __future__ import annotations

from tancert.ghg import from_dict

FULL_REVIEW = {
    "data_class": "continuous", "data_source": "energy ledger", "monitoring_method": "flow meter",
    "monitoring_frequency": "continuous", "recording_frequency": "monthly", "missing_data_handling": "historical maximum",
    "crosscheck_source": "invoice",
}


def rec(**kw) -> dict:
    base = {"facility": "F1", "source_id": "S1", "period": "2024-01", "kind": "fuel", "activity": "natural_gas",
            "quantity": 100, "unit": "10^4Nm3"}
    base.update(kw)
    return base


def ds(*records, settings=None, **sheets):
    s = {"reporting_year": 2024}
    s.update(settings or {})
    return from_dict({"settings": s, "activity": list(records), **sheets})
