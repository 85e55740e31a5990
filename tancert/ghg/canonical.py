"""The canonical serialisation of an inventory's parsed inputs: what a frozen calculation stores and
what its SHA-256 is computed over (freeze.py records and replays; engine.py reports the hash)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, fields
from datetime import date

import numpy as np

from .columns import ACTIVITY_COLUMNS, TEXT_KEYS, build_activity
from .errors import ErrorList
from .library import Library
from .model import BoundaryChange, Dataset, Instrument, LabReport, Meter, Output, Settings, Source, Target


def _num(v):
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def _period_text(y: int, m: int) -> str:
    return f"{y:04d}" if m == 0 else f"{y:04d}-{m:02d}"


def canonical_inputs(ds: Dataset) -> dict:
    t = ds.activity
    cols: dict[str, list] = {}
    for c in ACTIVITY_COLUMNS:
        if c.key == "period":
            labels = [_period_text(int(y), int(m)) for y, m in zip(t.period_year.tolist(), t.period_month.tolist(),
                                                                     strict=True)]
            cols["period"] = [labels[i] for i in t.period.tolist()]
        elif c.key in TEXT_KEYS:
            cat = t.t(c.key)
            if any(cat.levels) and np.any(np.array([s != "" for s in cat.levels])[cat.codes]):
                cols[c.key] = cat.values()
        else:
            v = t.num[c.key]
            if not np.isnan(v).all():
                cols[c.key] = [None if math.isnan(x) else x for x in v.tolist()]
    meters = {}
    for k, m in sorted(ds.meters.items()):
        # the measurement class only when given: records frozen before it existed keep their hash
        meters[k] = {f.name: (getattr(m, f.name).isoformat() if isinstance(getattr(m, f.name), date)
                              else getattr(m, f.name)) for f in fields(Meter)
                     if f.name != "measurement_class" or m.measurement_class}
    return {
        # the sector only when given: records frozen before it existed keep their hash
        "settings": {k: v for k, v in asdict(ds.settings).items() if k != "sector" or v},
        "activity": {"sheet": t.sheet, "rows": [int(r) for r in t.rows.tolist()], "columns": cols},
        # the R6.1-a fields only when given: records frozen before they existed keep their hash
        "sources": [{k: v for k, v in asdict(s).items() if v or k not in ("activity", "technology", "sector_source")}
                    for s in ds.sources],
        "meters": meters,
        "outputs": [asdict(o) | {"quantity": _num(o.quantity)} for o in ds.outputs],
        "targets": [asdict(x) for x in ds.targets],
        "boundary_changes": [asdict(b) | {"base_year_tco2e": _num(b.base_year_tco2e)} for b in ds.boundary_changes],
    } | ({"lab_reports": [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(r).items()}
                          for r in ds.lab_reports]}
         if ds.lab_reports else {}) | (  # only when given: records frozen before the sheet existed keep their hash
        {"instruments": [asdict(x) | {"certificate_ids": list(x.certificate_ids)} for x in ds.instruments]}
        if ds.instruments else {})


def canonical_json(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def inputs_sha256(ds: Dataset) -> str:
    return hashlib.sha256(canonical_json(canonical_inputs(ds))).hexdigest()


def dataset_from_canonical(d: dict, library: Library, origin: str = "") -> Dataset:
    """The Dataset of `canonical_inputs` (validated again, so a tampered record fails as bad input)."""
    settings = Settings(**d["settings"])
    a = d["activity"]
    n = len(a["rows"])
    raw = {}
    for c in ACTIVITY_COLUMNS:
        if c.key in a["columns"]:
            v = a["columns"][c.key]
            raw[c.key] = (np.array([np.nan if x is None else x for x in v], dtype=np.float64)
                          if c.type == "number" else v)
        elif c.required:
            raw[c.key] = [""] * n
    errors = ErrorList()
    table = build_activity(raw, rows=np.array(a["rows"], dtype=np.int64), sheet=a["sheet"], settings=settings,
                           library=library, errors=errors)
    errors.raise_if_any()

    def day(v):
        return date.fromisoformat(v) if v else None

    meters = {k: Meter(**(m | {"calibrated_on": day(m["calibrated_on"]), "valid_until": day(m["valid_until"])}))
              for k, m in d["meters"].items()}
    return Dataset(settings, table, [Source(**s) for s in d["sources"]], meters, [Output(**o) for o in d["outputs"]],
                   [Target(**x) for x in d["targets"]], [BoundaryChange(**b) for b in d["boundary_changes"]],
                   origin, [LabReport(**(r | {k: day(r[k]) for k in ("sampled_on", "tested_on", "issued_on", "used_on")}))
                            for r in d.get("lab_reports", [])],
                   [Instrument(**(x | {"certificate_ids": tuple(x["certificate_ids"])})) for x in d.get("instruments", [])])


