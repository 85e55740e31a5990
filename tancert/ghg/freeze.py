"""Results are reproducible: freeze a calculation with its inputs and factor versions, replay it.

* `canonical_inputs(ds)` — the parsed inputs (settings, activity columns after validation and
  synonym normalisation, with their sheet row numbers, sources, meters, output, targets, boundary
  changes; not the file name) as plain JSON data;
  `inputs_sha256(ds)` hashes its canonical JSON text (keys sorted, UTF-8, no spaces, floats as
  shortest round-trip decimals, blanks as null; all-blank activity columns omitted).
* `freeze(result, inputs)` — a self-contained record: the canonical inputs, every factor the
  calculation consulted (id, value, unit, table, table version and table file SHA-256, provenance),
  the resolver's answer for each question it was asked, the method profile and GWP values, and the
  results (`CheckResult.to_json()`).
* `replay(record)` — recomputes from the record alone with a `FrozenLibrary` (the frozen answers,
  never the current factor library) and names the first figure that differs.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path

from .canonical import canonical_inputs, canonical_json, dataset_from_canonical, inputs_sha256
from .engine import check
from .library import Factor, Library, Method, Resolution
from .model import Dataset

FORMAT = "tancert-ghg-frozen"
VERSION = 1
REL_TOL = 1e-9  # replay compares numbers to 1e-9 relative (summation order may differ between versions)


# ---------------------------------------------------------------- factor libraries that record / replay

def _rkey(activity, parameter, year, method, region, table, lineages=None) -> str:
    return json.dumps([activity, parameter, int(year), method, region or None, table or None,
                       list(lineages) if lineages else None], ensure_ascii=False)


class RecordingLibrary:
    """Wraps a Library and records every resolver question and answer."""

    def __init__(self, lib: Library):
        self._lib = lib
        self.asked: dict[str, Resolution] = {}

    def __getattr__(self, name):
        return getattr(self._lib, name)

    def resolve(self, activity, parameter, *, year, method="iso14064-1", region=None, table=None, lineages=None):
        r = self._lib.resolve(activity, parameter, year=year, method=method, region=region, table=table,
                              lineages=lineages)
        self.asked[_rkey(activity, parameter, year, method, region, table, lineages)] = r
        return r


def _factor_from_dict(d: dict) -> Factor:
    kw = {f.name: d[f.name] for f in fields(Factor) if f.name in d}
    for k in ("valid_from", "valid_to"):
        kw[k] = date.fromisoformat(kw[k]) if kw.get(k) else None
    kw["candidates"] = tuple(kw.get("candidates") or ())
    return Factor(**kw)


class FrozenLibrary(Library):
    """The factor library of a frozen record: the recorded answers only, never the data files."""

    def __init__(self, record: dict):  # noqa: D107 — deliberately not Library.__init__ (no data files)
        self.data_dir = None
        self.tables = record["tables"]
        self.factors = [_factor_from_dict(f) for f in record["factors"]]
        self.by_id = {f.id: f for f in self.factors}
        self.gwp_sets = record["gwp_sets"]
        self._gases = record["gases"]
        m = record["method"]
        self.methods = {m["id"]: Method(**(m | {"tables": tuple(m["tables"]),
                                                "electricity_lineages": tuple(m["electricity_lineages"])}))}
        self._answers = record["resolutions"]
        self._activities = sorted({json.loads(k)[0] for k in self._answers})
        self._by_key = {}
        for f in self.factors:
            self._by_key.setdefault((f.activity, f.parameter), []).append(f)

    def gases(self) -> list[str]:
        return list(self._gases)

    def activities(self, prefix: str = "") -> list[str]:
        return [a for a in self._activities if a.startswith(prefix)]

    def resolve(self, activity, parameter, *, year, method="iso14064-1", region=None, table=None, lineages=None):
        a = self._answers.get(_rkey(activity, parameter, year, method, region, table, lineages))
        if a is None:
            return Resolution(activity, parameter, None, ["not asked in the frozen calculation (inputs changed?)"])
        return Resolution(activity, parameter, self.by_id[a["factor"]] if a["factor"] else None, list(a["steps"]))


# ---------------------------------------------------------------- freeze and replay

def _run(ds: Dataset, library, monte_carlo_iterations: int | None):
    return check(ds, monte_carlo_iterations=monte_carlo_iterations, library=library)


def freeze(result, inputs: Dataset | str | Path | None = None) -> dict:
    """Self-contained record of a calculation: inputs, factors (with table versions) and results.

    `inputs` is the Dataset (or file) the result was computed from; by default the result's own.
    The calculation is run once more through a recording library to capture every resolver
    answer (including those of a computed base-year recalculation); that run must reproduce the
    result, else ValueError."""
    from .importer import load

    lib = result.inventory.library
    ds = result.inventory.dataset if inputs is None else (inputs if isinstance(inputs, Dataset) else load(inputs, lib))
    rec_lib = RecordingLibrary(lib)
    mc = result.monte_carlo.iterations if result.monte_carlo else None
    again = _run(ds, rec_lib, mc)
    results = result.to_json()
    diff = compare(results, again.to_json())
    if diff:
        raise ValueError(f"the inputs do not reproduce the result: {diff}")
    used: dict[str, Factor] = {}
    answers = {}
    for k, r in rec_lib.asked.items():
        answers[k] = {"factor": r.factor.id if r.factor else None, "steps": list(r.steps)}
        if r.factor:
            used[r.factor.id] = r.factor
    method = lib.method(ds.settings.method)
    basis = result.inventory.gwp_basis
    table_ids = {f.table_id for f in used.values()} | {x for x in ds.activity.t("factor_table").levels if x}
    inputs_c = canonical_inputs(ds)
    return {
        "format": FORMAT, "version": VERSION,
        "inputs_sha256": hashlib.sha256(canonical_json(inputs_c)).hexdigest(),
        "inputs": inputs_c, "origin": ds.origin,
        "method": asdict(method) | {"tables": list(method.tables), "electricity_lineages": list(method.electricity_lineages)},
        "gwp_basis": basis,
        "gwp_sets": {basis: lib.gwp_sets[basis]} if basis in lib.gwp_sets else {},
        "gases": lib.gases(),
        "tables": {tid: lib.tables[tid] for tid in sorted(table_ids) if tid in lib.tables},
        "factors": [f.as_dict() for _, f in sorted(used.items())],
        "resolutions": answers,
        "monte_carlo_iterations": mc,
        "results": results,
    }


def compare(expected, actual, path: str = "") -> str | None:
    """The first difference between two JSON results ('path: expected … , replayed …'), or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in list(expected) + [k for k in actual if k not in expected]:
            if k not in actual or k not in expected:
                return f"{path}{k}: present in only one of the results"
            d = compare(expected[k], actual[k], f"{path}{k}.")
            if d:
                return d
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path.rstrip('.')}: {len(expected)} entries frozen, {len(actual)} replayed"
        for i, (a, b) in enumerate(zip(expected, actual, strict=True)):
            d = compare(a, b, f"{path}{i}.")
            if d:
                return d
        return None
    num = (int, float)
    if isinstance(expected, num) and isinstance(actual, num) and not isinstance(expected, bool):
        a, b = float(expected), float(actual)
        if (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12):
            return None
        return f"{path.rstrip('.')}: frozen {expected!r}, replayed {actual!r}"
    if expected != actual:
        return f"{path.rstrip('.')}: frozen {expected!r}, replayed {actual!r}"
    return None


def replay(record: dict) -> tuple[str | None, object]:
    """Recompute a frozen record without the current factor library: (first difference or None,
    the replayed CheckResult)."""
    if record.get("format") != FORMAT:
        raise ValueError("not a frozen tancert GHG record")
    lib = FrozenLibrary(record)
    ds = dataset_from_canonical(record["inputs"], lib, record.get("origin", ""))
    sha = inputs_sha256(ds)
    if sha != record["inputs_sha256"]:
        return f"inputs_sha256: frozen {record['inputs_sha256']}, replayed {sha}", None
    result = _run(ds, lib, record.get("monte_carlo_iterations"))
    return compare(record["results"], result.to_json()), result
