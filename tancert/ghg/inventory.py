"""Organisation inventory: factor resolution, the formulas, and the breakdowns.

Formulas (per row, canonical units, see units.CANONICAL):
  fuel         E_CO2 = AD × NCV × CC × OF × 44/12        (AD in GJ skips NCV; a row factor replaces NCV×CC×OF)
  process      E_CO2 = AD × EF × fraction                (stoichiometric EF, fraction = purity × calcination)
  fugitive     E_gas = AD (mass of gas released), CO2e by the method's GWP set
  electricity  E_CO2 = ±AD × EF                         (exports subtract: net of exports)
  heat         E_CO2 = ±AD × EF
  other        E_gas = AD × EF                           (category 3–6, factor from the row)
CO2e = E_gas × GWP(gas); biogenic CO2 is kept apart and never enters the total.

Rows are grouped into classes (keys.factorize over the categorical columns); factor resolution
runs once per distinct (kind, activity, region, year, table) combination, unit scales and formula
multipliers once per class, and a row's CO2e is its quantity times its class's multiplier (one
gather, one multiply). Rows that carry their own parameters are classes of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ErrorList, InputError
from .keys import CHUNK, digits_of, factorize
from .library import Factor, Library, Resolution, default_library
from .model import CLASS_COLUMNS, DEFAULT_CATEGORY, KINDS, Dataset, blank_view, select  # noqa: F401
from .sampling import BLOCK
from .units import CANONICAL, DIMENSION_ZH, rate_scale, unit_scale

C_TO_CO2 = 44.0 / 12.0
DIMS = list(CANONICAL)
PARAMETER_ZH = {"NCV": "低位发热量", "CC": "单位热值含碳量", "OF": "碳氧化率", "EF": "排放因子"}
D_ENERGY, D_MASS = DIMS.index("energy"), DIMS.index("mass")
K_FUEL, K_PROCESS, K_FUGITIVE, K_ELEC, K_HEAT, K_OTHER = range(6)
FUEL_PARAMS = ("NCV", "CC", "OF")
TIER_CODES = ("", "a", "b", "c", "d", "e", "f")


@dataclass
class RawKey:
    """Row → class mapping without a per-row gather: `row` holds each row's raw class id (the
    mixed-radix key over its categorical codes, or size + j for the j-th row with its own
    numbers); `cls_of` maps a raw id to the class index (-1: no row has it), `raw_of` a class
    to its raw id. Per-class arrays are indexed by rows as `arr[cls_of][row]`."""

    row: np.ndarray
    cls_of: np.ndarray
    raw_of: np.ndarray

    def expand(self, per_class: np.ndarray, fill=0) -> np.ndarray:
        out = np.full(len(self.cls_of), fill, dtype=per_class.dtype)
        out[self.raw_of] = per_class
        return out

    def reduce(self, per_raw: np.ndarray) -> np.ndarray:
        return per_raw[self.raw_of]


@dataclass
class Combo:
    kind: str
    activity: str
    region: str
    year: int
    table: str
    resolutions: dict[str, Resolution] = field(default_factory=dict)

    def factor(self, p: str) -> Factor | None:
        r = self.resolutions.get(p)
        return r.factor if r else None


class Inventory:
    """The quantified inventory.

    Rows are grouped into *classes* (rows that agree on every categorical column that matters for
    the formulas: kind, activity, unit, region, period, table, flow, biogenic, gas, category, factor
    type/tier/units); each row that carries its own numbers (NCV, CC, OF, factor, fraction) is a
    class of its own. Everything but the quantity is a function of the class, so the per-class
    arrays (`cls_*`, one entry per class) hold the multipliers and the provenance, and `key` maps
    rows to classes. Per-row arrays are gathered from them on first use (`co2e` eagerly)."""

    def __init__(self, dataset: Dataset, library: Library, method: str, gwp_basis: str, gases: list[str],
                 combos: list[Combo], key: np.ndarray | RawKey, cls: dict[str, np.ndarray],
                 params: dict[str, np.ndarray], given: dict[str, np.ndarray], co2e: np.ndarray,
                 codes: dict[str, np.ndarray] | None = None):
        self.dataset, self.library, self.method, self.gwp_basis, self.gases = dataset, library, method, gwp_basis, gases
        self.combos = combos
        if not isinstance(key, RawKey):  # a row → class array
            ident = np.arange(len(cls["count"]))
            key = RawKey(np.asarray(key), ident, ident)
        self.raw = key
        self.cls = cls  # per class: combo, group, kind, category, gas_code, qscale, energy, mass, co2e, bio,
        #                 tier, unverified, year, period, count
        self.cls_params = params  # per class: NCV/CC/OF/EF used (canonical), NaN where not used
        self.cls_given = given  # per class: True where the row supplied the value itself
        self.co2e = co2e  # t CO2e per row, biogenic CO2 excluded
        self.cls_codes = codes or {}  # per class: the code of each categorical column of the class key
        self._cache: dict = {}

    @property
    def table(self):
        return self.dataset.activity

    @property
    def key(self) -> np.ndarray:
        """Row → class index (into the per-class arrays), built on first use."""
        if "key" not in self._cache:
            self._cache["key"] = self.raw.cls_of[self.raw.row]
        return self._cache["key"]

    def _row(self, name: str, arr: np.ndarray) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = self.raw.expand(arr)[self.raw.row]
        return self._cache[name]

    def _row_times_q(self, name: str, per_unit: np.ndarray) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = self.table.num["quantity"] * self.raw.expand(per_unit)[self.raw.row]
        return self._cache[name]

    # per-row views (built on first use)
    combo = property(lambda self: self._row("combo", self.cls["combo"]))  # row → resolution combo
    group = property(lambda self: self._row("group", self.cls["group"]))  # rows sharing a library factor
    kind = property(lambda self: self._row("kind", self.cls["kind"]))  # index into KINDS
    category = property(lambda self: self._row("category", self.cls["category"]))  # 1..6
    gas_code = property(lambda self: self._row("gas_code", self.cls["gas_code"]))
    tier = property(lambda self: self._row("tier", self.cls["tier"]))  # 0 not stated, 1..6 = a..f
    uses_unverified = property(lambda self: self._row("uses_unverified", self.cls["unverified"]))
    quantity = property(lambda self: self._row_times_q("quantity", self.cls["qscale"]))  # canonical units
    energy_gj = property(lambda self: self._row_times_q("energy_gj", self.cls["energy"]))  # fuel rows, else NaN
    gas_mass = property(lambda self: self._row_times_q("gas_mass", self.cls["mass"]))  # t of gas, signed
    biogenic_co2 = property(lambda self: self._row_times_q("biogenic_co2", self.cls["bio"]))

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {p: self._row("param:" + p, v) for p, v in self.cls_params.items()}

    @property
    def given(self) -> dict[str, np.ndarray]:
        return {p: self._row("given:" + p, v) for p, v in self.cls_given.items()}

    @property
    def u_ad(self) -> np.ndarray:
        """Activity-data uncertainty, % (95 % half-width): stated, else the meter's accuracy, else
        ±5 % for fuels (IPCC 2006 Vol.1 Ch.3, checked); NaN = not stated."""
        if "u_ad" not in self._cache:
            t = self.table
            meters = self.dataset.meters
            mid = t.t("meter_id")
            acc = _level_lookup(mid.levels, lambda m: meters[m].accuracy_pct if m in meters and meters[m].accuracy_pct
                                is not None else np.nan)[mid.codes]
            u = np.where(np.isnan(t.num["ad_uncertainty_pct"]), acc, t.num["ad_uncertainty_pct"])
            self._cache["u_ad"] = np.where(np.isnan(u) & (self.kind == K_FUEL), 5.0, u)
        return self._cache["u_ad"]

    @property
    def u_f(self) -> np.ndarray:
        return self.table.num["factor_uncertainty_pct"]

    def rows_where(self, cls_mask: np.ndarray) -> np.ndarray:
        """Row mask of the rows whose class satisfies cls_mask."""
        return select(self.raw.row, self.raw.expand(np.asarray(cls_mask, bool), False))

    def count_where(self, cls_mask: np.ndarray) -> int:
        return int(self.cls["count"][cls_mask].sum())

    @property
    def years(self) -> list[int]:
        return sorted(set(self.cls["year"][self.cls["count"] > 0].tolist()))

    def mask(self, year: int | None = None) -> np.ndarray | None:
        if year is None:
            year = self.dataset.settings.reporting_year
        if self.years == [year]:
            return None
        return self.table.year == year

    def _sums(self) -> dict:
        """Group sums over all years, computed once: per class and per (facility|source, period),
        and the records per (source, period). When the group spaces are small, calculate() has
        taken them chunk by chunk in its CO2e pass (each chunk's keys are built, summed and
        dropped in cache); else they are taken here over whole arrays."""
        if "sums" not in self._cache:
            t = self.table
            w, nper = self.co2e, max(len(t.period_year), 1)
            k = len(self.cls["count"])
            raw = self.raw
            n_raw = len(raw.cls_of)
            nb = max(-(-len(w) // BLOCK), 1)
            out = {}
            pre = self._cache.pop("group_sums", None)  # taken by calculate() in its CO2e pass
            if pre is not None:
                out["co2e"] = raw.reduce(pre.cs)
                out["facility"], out["source_id"] = pre.fs.reshape(-1, nper), pre.ss.reshape(-1, nper)
                self._cache["spc"] = pre.blocks.sum(axis=0).reshape(-1, nper)
                self._cache["spc_blocks"] = pre.blocks.reshape(nb, -1, nper).sum(axis=2)
            else:
                out["co2e"] = raw.reduce(np.bincount(raw.row, weights=w, minlength=n_raw))
                for name in ("facility", "source_id"):
                    c = t.t(name)
                    out[name] = np.bincount(self._group_period_key(name), weights=w,
                                            minlength=len(c.levels) * nper).reshape(-1, nper)
            c = self.cls
            ratio = np.zeros(k)  # t of gas per t CO2e of the class (1 / GWP)
            np.divide(c["mass"], c["co2e"], out=ratio, where=c["co2e"] != 0)
            if ((c["co2e"] == 0) & (c["count"] > 0) & ((c["mass"] != 0) | (c["bio"] != 0))).any():
                q = raw.reduce(np.bincount(raw.row, weights=t.num["quantity"], minlength=n_raw))
                out["gas_mass"] = q * c["mass"]
                out["bio"] = q * c["bio"]
            else:  # every class with mass has CO2e: gas mass from the CO2e sums, no second pass
                out["gas_mass"] = out["co2e"] * ratio
                out["bio"] = np.zeros(k)
            self._cache["sums"] = out
        return self._cache["sums"]

    def _group_period_key(self, name: str) -> np.ndarray:
        """Row key (code of column `name`) × (period), built once."""
        if "gp:" + name not in self._cache:
            t = self.table
            nper = max(len(t.period_year), 1)
            c = t.t(name)
            dtype = np.int32 if len(c.levels) * nper < 2**31 else np.int64
            kk = c.codes.astype(dtype) * dtype(nper)
            kk += t.period
            self._cache["gp:" + name] = kk
        return self._cache["gp:" + name]

    def source_period_counts(self) -> np.ndarray:
        """Records per (source, period): completeness (R6.1-b) and the sample strata (R6.2)."""
        if "spc" not in self._cache:
            self._sums()  # counts them in its pass when the group spaces are small
        if "spc" not in self._cache:
            t = self.table
            nper = max(len(t.period_year), 1)
            key = self._group_period_key("source_id")
            self._cache["spc_blocks"] = None
            self._cache["spc"] = np.bincount(key, minlength=len(t.t("source_id").levels) * nper).reshape(-1, nper)
        return self._cache["spc"]

    def source_block_counts(self) -> np.ndarray | None:
        """Records per (block of sampling.BLOCK rows, source), when kept by the group sums (else None)."""
        self.source_period_counts()
        return self._cache["spc_blocks"]

    def summary(self, year: int | None = None) -> dict:
        """Totals and breakdowns (tCO2e) of one year (default: the reporting year)."""
        year = year or self.dataset.settings.reporting_year
        t, c, sums = self.table, self.cls, self._sums()
        sel = (c["year"] == year) & (c["count"] > 0)
        e = sums["co2e"][sel]
        gas = c["gas_code"][sel]
        ng = len(self.gases)
        by_cat = np.bincount(c["category"][sel], weights=e, minlength=7)
        by_gas = np.bincount(gas, weights=e, minlength=ng)
        gas_mass = np.bincount(gas, weights=sums["gas_mass"][sel], minlength=ng)
        present = np.bincount(gas, minlength=ng) > 0
        per = t.period_year == year

        def by(name):
            s = sums[name][:, per].sum(axis=1)
            return {lab: float(v) for lab, v in zip(t.t(name).levels, s, strict=False) if lab != "" or v}

        months = np.bincount(t.period_month[per], weights=sums["source_id"][:, per].sum(axis=0), minlength=13)
        return {
            "year": year,
            "total_tco2e": float(e.sum()),
            "by_category": {str(k): float(by_cat[k]) for k in range(1, 7)},
            "by_gas": {g: float(by_gas[i]) for i, g in enumerate(self.gases) if present[i]},
            "gas_mass_t": {g: float(gas_mass[i]) for i, g in enumerate(self.gases) if present[i]},
            "by_facility": by("facility"),
            "by_source": by("source_id"),
            "by_month": {f"{m_:02d}": float(months[m_]) for m_ in range(1, 13)} | (
                {"annual": float(months[0])} if months[0] else {}),
            "biogenic_co2_t": float(sums["bio"][sel].sum()),
            "records": int(c["count"][sel].sum()),
        }

    def factors_used(self) -> list[dict]:
        seen: dict[str, dict] = {}
        live = self.cls["count"] > 0
        for ci, c in enumerate(self.combos):
            of_combo = live & (self.cls["combo"] == ci)
            for p, r in c.resolutions.items():
                f = r.factor
                if f is None or f.id in seen:
                    continue
                if p in self.cls_given and self.cls_given[p][of_combo].all():
                    continue  # every row replaced this default by its own value
                seen[f.id] = f.as_dict() | {"resolution": r.reason, "unverified": f.unverified}
        return list(seen.values())

    def trace(self, i: int) -> dict:
        """Everything behind row i: inputs, converted quantity, factors (ids), formula and result."""
        t = self.table
        k = int(self.raw.cls_of[self.raw.row[i]])
        cl = self.cls
        c = self.combos[int(cl["combo"][k])]
        inputs = {key: v[i] for key, v in t.text.items() if v[i] != ""}
        inputs |= {key: float(v[i]) for key, v in t.num.items() if not np.isnan(v[i])}
        used = {}
        for p, arr in self.cls_params.items():
            if not np.isnan(arr[k]):
                f = c.factor(p)
                used[p] = {"value_canonical": float(arr[k]),
                           "source": "row" if self.cls_given[p][k] else (f.id if f else None)}
        q = float(t.num["quantity"][i])
        gas = self.gases[int(cl["gas_code"][k])]
        return {
            "sheet": t.sheet, "row": int(t.rows[i]), "inputs": inputs,
            "quantity_canonical": q * float(cl["qscale"][k]),
            "energy_gj": None if np.isnan(cl["energy"][k]) else q * float(cl["energy"][k]),
            "parameters": used, "gas": gas, "gas_t": q * float(cl["mass"][k]),
            "gwp": float(cl["gwp"][k]) if "gwp" in cl else self.library.gwp(self.gwp_basis, gas),
            "tco2e": float(self.co2e[i]), "biogenic_co2_t": q * float(cl["bio"][k]),
            "category": int(cl["category"][k]), "resolution": {p: r.reason for p, r in c.resolutions.items()},
        }


def _level_lookup(levels, fn, default=np.nan, dtype=np.float64):
    return np.array([fn(s) if s != "" else default for s in levels] or [default], dtype=dtype)


OWN_COLUMNS = ("ncv", "cc", "of", "factor", "fraction")  # numbers that make a row a class of its own


def calculate(ds: Dataset, library: Library | None = None) -> Inventory:
    """Quantify every row of ds. Raises InputError (sheet/row/column) for missing factors or units
    that do not fit the factor."""
    lib = library or default_library()
    s = ds.settings
    t = ds.activity
    sheet = t.sheet
    n = len(t)
    method = lib.method(s.method)
    basis = s.gwp or method.gwp
    errors = ErrorList()
    if basis is None:
        raise InputError([_cell("Settings", "gwp", f"method {s.method} does not fix a GWP basis; choose SAR, AR4, AR5 or AR6",
                                f"方法学 {s.method} 未规定全球增温潜势（GWP）基准；请选择 SAR、AR4、AR5 或 AR6")])
    if basis not in lib.gwp_sets and basis != "CO2-only":
        raise InputError([_cell("Settings", "gwp", f"unknown GWP basis {basis!r}", f"未知的全球增温潜势（GWP）基准 {basis!r}")])

    # --- row classes: one integer key over the categorical columns (O(n), no strings, no sort)
    num = t.num
    own_mask = None
    for k in OWN_COLUMNS:
        if blank_view(num[k]):  # column absent
            continue
        nan = np.isnan(num[k])
        if not nan.all():
            own_mask = ~nan if own_mask is None else own_mask | ~nan
    own_idx = np.flatnonzero(own_mask) if own_mask is not None else np.zeros(0, np.int64)
    cols = CLASS_COLUMNS + ("period", "category")
    parts = t.class_parts()
    rc = t.raw_classes()
    if rc is not None:  # small key space: the raw mixed-radix key is the row's class id (no gather)
        key, size, counts_raw = rc
        if len(own_idx):  # rows with their own numbers get their own ids below: keep the table's key intact
            key = key.copy()
        present = np.flatnonzero(counts_raw)
        digits, cls_count = digits_of(present, parts), counts_raw[present]
        lookup = np.full(size, -1, np.int64)
        lookup[present] = np.arange(len(present))
    else:
        key, digits, cls_count = factorize(parts, n)
        size = len(digits)
        present = lookup = np.arange(size)
    k0, m = len(digits), len(own_idx)
    own_cls = lookup[key[own_idx]]
    ent = np.concatenate([np.arange(k0), own_cls])  # class of each entity: the classes, then own rows
    D = {c: digits[ent, j] for j, c in enumerate(cols)}
    E = k0 + m
    # rows → raw class id; a row with its own numbers becomes id size + j (class k0 + j)
    if m:
        key[own_idx] = size + np.arange(m, dtype=key.dtype)
    raw = RawKey(key, np.concatenate([lookup, k0 + np.arange(m)]), np.concatenate([present, size + np.arange(m)]))
    count = np.concatenate([cls_count - np.bincount(own_cls, minlength=k0), np.ones(m, np.int64)])

    def num_e(k):
        out = np.full(E, np.nan)
        out[k0:] = num[k][own_idx]
        return out

    def lut(k, fn, default=np.nan, dtype=np.float64):
        return _level_lookup(t.t(k).levels, fn, default, dtype)[D[k]]

    def rows_of(emask):
        return t.rows[select(key, raw.expand(np.asarray(emask, bool), False))]

    kind = lut("kind", KINDS.index, -1, np.int64)
    unit = t.t("unit")
    udim = _level_lookup(unit.levels, lambda u: DIMS.index(unit_scale(u).dimension), -1, np.int64)
    qdim = udim[D["unit"]]
    qscale = lut("unit", lambda u: unit_scale(u).scale)
    year = t.period_year[D["period"]] if len(t.period_year) else np.zeros(E, np.int32)

    # --- one resolution per distinct (kind, activity, region, year, table)
    act, tbl, region = t.t("activity"), t.t("factor_table"), t.t("region")
    reg_levels = [r or s.region for r in region.levels] or [s.region]
    reg_code = np.where(kind == K_ELEC, D["region"], 0) if len(region.levels) > 1 else np.zeros(E, np.int64)
    y0 = int(year[:k0].min()) if k0 else s.reporting_year
    radix = (6, max(len(act.levels), 1), max(len(reg_levels), 1), int(year[:k0].max()) - y0 + 1 if k0 else 1,
             max(len(tbl.levels), 1))
    rkey = kind[:k0].astype(np.int64)
    for part, r in ((D["activity"], radix[1]), (reg_code, radix[2]), (year - y0, radix[3]), (D["factor_table"], radix[4])):
        rkey = rkey * r + part[:k0]
    ukeys, combo_cls = np.unique(rkey, return_inverse=True)
    combo = np.concatenate([combo_cls.reshape(-1), combo_cls.reshape(-1)[ent[k0:]]]).astype(np.int64)
    combos: list[Combo] = []
    for k in ukeys.tolist():
        k, ti = divmod(k, radix[4])
        k, yi = divmod(k, radix[3])
        k, ri = divmod(k, radix[2])
        ki, ai = divmod(k, radix[1])
        kname, aname = KINDS[ki], act.levels[ai]
        c = Combo(kname, aname, reg_levels[ri] if ki == K_ELEC else "", y0 + yi, tbl.levels[ti] if tbl.levels else "")
        kw = dict(year=c.year, method=s.method, region=c.region or None, table=c.table or None)
        if ki == K_FUEL:
            for p in FUEL_PARAMS:
                c.resolutions[p] = lib.resolve("fuel:" + aname, p, **kw)
        elif ki == K_PROCESS:
            c.resolutions["EF"] = lib.resolve("process:" + aname, "EF", **kw)
        elif ki == K_ELEC and aname != "supplier":
            c.resolutions["EF"] = lib.resolve("electricity:" + aname, "EF", **kw)
        elif ki == K_HEAT and aname != "supplier":
            c.resolutions["EF"] = lib.resolve("heat:" + aname, "EF", **kw)
        combos.append(c)

    def per_combo(p, attr):
        out = np.full(len(combos) or 1, np.nan if attr != "dim" else -1)
        for i, c in enumerate(combos):
            f = c.factor(p)
            if f is not None:
                out[i] = f.per_canonical if attr == "value" else DIMS.index(rate_scale(f.unit).per)
        return out[combo]

    # --- class values: the row's own value where given, else the library default
    ncv_g = num_e("ncv") * lut("ncv_unit", lambda u: rate_scale(u).scale)
    ncv_gdim = lut("ncv_unit", lambda u: DIMS.index(rate_scale(u).per), -1, np.int64)
    ef_g = num_e("factor") * lut("factor_unit", lambda u: rate_scale(u).scale)
    ef_gdim = lut("factor_unit", lambda u: DIMS.index(rate_scale(u).per), -1, np.int64)
    cc_g, of_g = num_e("cc"), num_e("of")
    given = {"NCV": ~np.isnan(ncv_g), "CC": ~np.isnan(cc_g), "OF": ~np.isnan(of_g), "EF": ~np.isnan(ef_g)}
    ncv = np.where(given["NCV"], ncv_g, per_combo("NCV", "value"))
    ncv_dim = np.where(given["NCV"], ncv_gdim, per_combo("NCV", "dim").astype(np.int64))
    cc = np.where(given["CC"], cc_g, per_combo("CC", "value"))
    of = np.where(given["OF"], of_g, per_combo("OF", "value"))
    ef = np.where(given["EF"], ef_g, per_combo("EF", "value"))
    ef_dim = np.where(given["EF"], ef_gdim, per_combo("EF", "dim").astype(np.int64))

    fuel = kind == K_FUEL
    fuel_ef = fuel & given["EF"]  # a fuel row with its own emission factor
    fuel_chain = fuel & ~fuel_ef
    needs_ncv = fuel_chain & (qdim != D_ENERGY)
    uses_ef = ((kind == K_PROCESS) | (kind == K_ELEC) | (kind == K_HEAT) | (kind == K_OTHER)) | fuel_ef

    def missing(mask, p, column):
        for ci in np.unique(combo[mask]).tolist():
            c = combos[ci]
            r = c.resolutions.get(p)
            why = r.reason if r else "no library factor for this kind"
            why_zh = r.reason if r else "因子库中没有此类型的因子"
            errors.add_rows(sheet, rows_of(mask & (combo == ci)), column,
                            f"missing factor: no {p} for {c.kind} {c.activity!r} ({c.year}) — {why}; give it in column {column}",
                            f"缺少因子：{c.kind} {c.activity!r}（{c.year} 年）没有{PARAMETER_ZH[p]}（{p}）——{why_zh}；"
                            f"请在列 {column} 中填写")

    missing(needs_ncv & np.isnan(ncv), "NCV", "ncv")
    missing(fuel_chain & np.isnan(cc), "CC", "cc")
    missing(fuel_chain & np.isnan(of), "OF", "of")
    missing(uses_ef & np.isnan(ef), "EF", "factor")
    bad = needs_ncv & ~np.isnan(ncv) & (ncv_dim != qdim)
    bad_ef = uses_ef & ~np.isnan(ef) & (ef_dim != qdim)
    bad_fug = (kind == K_FUGITIVE) & (qdim != D_MASS)
    for mask, what, what_zh in ((bad, "the NCV", "低位发热量"), (bad_ef, "the emission factor", "排放因子")):
        for code in np.unique(D["unit"][mask]).tolist():
            errors.add_rows(sheet, rows_of(mask & (D["unit"] == code)), "unit",
                            f"unit {unit.levels[code]!r} ({DIMS[udim[code]]}) does not fit {what}'s unit",
                            f"单位 {unit.levels[code]!r}（{DIMENSION_ZH[DIMS[udim[code]]]}）与{what_zh}的单位不匹配")
    if bad_fug.any():
        errors.add_rows(sheet, rows_of(bad_fug), "unit", "fugitive emissions are a mass of gas (t, kg)",
                        "逸散排放的数量必须是气体质量（t、kg）")

    # --- gases
    gases = lib.gases() + ["CO2e"]
    gi = {g: i for i, g in enumerate(gases)}
    g_co2 = gi["CO2"]
    combo_gas = np.array([gi.get((c.factor("EF").gas if c.factor("EF") else None) or "CO2", g_co2)
                          for c in combos] or [g_co2], dtype=np.int64)
    unit_gas = lut("factor_unit", lambda u: gi.get(rate_scale(u).gas, -1), -1, np.int64)
    col_gas = lut("gas", lambda g: gi.get(g, -1), -1, np.int64)
    bad_gas = (col_gas < 0) & np.array([g != "" for g in t.t("gas").levels] or [False])[D["gas"]]
    if bad_gas.any():
        errors.add_rows(sheet, rows_of(bad_gas), "gas", f"unknown gas; use one of: {', '.join(gases)}",
                        f"未知的气体；请使用以下之一：{', '.join(gases)}")
    default_gas = np.where(kind == K_OTHER, gi["CO2e"], g_co2)
    gas_code = np.where(given["EF"], np.where(unit_gas >= 0, unit_gas, np.where(col_gas >= 0, col_gas, default_gas)),
                        combo_gas[combo])
    fug_gas = lut("activity", lambda a: gi.get(a, g_co2), g_co2, np.int64)
    gas_code = np.where(kind == K_FUGITIVE, fug_gas, np.where(fuel_chain, g_co2, gas_code))
    gwp = np.full(len(gases), np.nan)
    for g, i in gi.items():
        try:
            gwp[i] = lib.gwp(basis, g)
        except KeyError:
            pass
    no_gwp = np.isnan(gwp[gas_code])
    for code in np.unique(gas_code[no_gwp]).tolist():
        errors.add_rows(sheet, rows_of(no_gwp & (gas_code == code)), "activity",
                        f"{gases[code]} has no GWP in {basis}; choose another GWP basis in Settings",
                        f"{gases[code]} 在 {basis} 中没有全球增温潜势（GWP）值；请在 Settings 中选择其他 GWP 基准")
    errors.raise_if_any()

    # --- the formulas as one multiplier per class (per unit of the row's own quantity)
    sign = np.where(lut("flow", lambda f: f == "export", False, bool), -1.0, 1.0)
    energy = np.where(qdim == D_ENERGY, qscale, qscale * ncv)
    frac = num_e("fraction")
    frac = np.where(np.isnan(frac), 1.0, frac)
    mass = np.where(fuel_chain, energy * cc * of * C_TO_CO2,
                    np.where(kind == K_FUGITIVE, qscale, qscale * ef * np.where(kind == K_PROCESS, frac, 1.0)))
    mass = mass * sign
    biogenic = lut("biogenic", lambda b: b == "yes", False, bool)
    bio = biogenic & (gas_code == g_co2)
    gwp_e = _origin_gwp(lib, basis, gases, gas_code, gwp[gas_code], kind, biogenic,
                        lut("biogenic", lambda b: b == "no", False, bool))
    co2e_m = np.where(bio, 0.0, mass * gwp_e)
    cat_e = D["category"]
    category = np.where(cat_e == 0, np.array([DEFAULT_CATEGORY.get(k, 6) for k in KINDS])[kind], cat_e).astype(np.int64)

    # --- provenance per class: tier, unverified defaults used, correlation group
    params = {"NCV": np.where(needs_ncv, ncv, np.nan), "CC": np.where(fuel_chain, cc, np.nan),
              "OF": np.where(fuel_chain, of, np.nan), "EF": np.where(uses_ef, ef, np.nan)}
    used_default = {p: ~given[p] & ~np.isnan(v) for p, v in params.items()}
    # tiers as small ints (0 = not stated, 1..6 = a..f)
    worst = np.zeros(len(combos) or 1, np.int8)
    unver = np.zeros((len(combos) or 1, 4), bool)
    for i, c in enumerate(combos):
        fs = [c.factor(p) for p in ("NCV", "CC", "OF", "EF")]
        tiers = [TIER_CODES.index(f.tier) for f in fs if f]
        worst[i] = max(tiers) if tiers else 0
        unver[i] = [bool(f and f.unverified) for f in fs]
    any_given = given["NCV"] | given["CC"] | given["OF"] | given["EF"]
    any_default = used_default["NCV"] | used_default["CC"] | used_default["OF"] | used_default["EF"]
    supplier = lut("factor_type", lambda x: x == "supplier", False, bool)
    # unstated tier: the worst library tier among the defaults used; a row's own values count as
    # measured (a) unless they come from a supplier, whose tier the row must state
    own_measured = any_given & ~supplier & ((kind == K_FUEL) | (kind == K_PROCESS))
    derived = np.where(any_default, worst[combo], np.where(own_measured, 1, 0)).astype(np.int8)
    stated = lut("factor_tier", lambda x: TIER_CODES.index(x) if x in TIER_CODES else 0, 0, np.int8)
    tier = np.where(D["factor_tier"] == _blank_code(t.t("factor_tier")), derived, stated)
    tier = np.where(kind == K_FUGITIVE, 0, tier).astype(np.int8)
    uses_unverified = np.zeros(E, bool)
    for j, p in enumerate(("NCV", "CC", "OF", "EF")):
        uses_unverified |= used_default[p] & unver[combo, j]
    own_rank = np.cumsum(any_given[k0:]) - 1
    group = combo.copy()
    group[k0:] = np.where(any_given[k0:], len(combos) + own_rank, combo[k0:])

    # CO2e per row = quantity × its class's multiplier: a table lookup and a multiply per chunk;
    # while a chunk's CO2e is in cache, its group sums are taken too (Inventory._sums)
    tab = np.zeros(len(raw.cls_of))
    tab[raw.raw_of] = co2e_m
    co2e = np.empty(n)
    q = num["quantity"]
    sums = _GroupSums(t, len(raw.cls_of))
    with np.errstate(over="ignore"):  # an overflow is refused just below, with its rows
        for a in range(0, n, CHUNK):
            np.take(tab, key[a:a + CHUNK], out=co2e[a:a + CHUNK])
            co2e[a:a + CHUNK] *= q[a:a + CHUNK]
            sums.add(a, key[a:a + CHUNK], co2e[a:a + CHUNK])
    if n and not np.isfinite(np.add.reduce(co2e)):  # quantity × factor beyond float range: refuse, never print inf
        over = ~np.isfinite(co2e)
        errors.add_rows(sheet, t.rows[over] if over.any() else t.rows[:1], "quantity",
                        "the emission of this record (or the total) exceeds the range of numbers: check quantity, "
                        "unit and factor", "该记录（或总量）的排放量超出数值范围：请检查数量、单位和排放因子")
        errors.raise_if_any()
    cls_arrays = {"combo": combo, "group": group, "kind": kind, "category": category, "gas_code": gas_code,
                  "qscale": qscale, "energy": np.where(fuel_chain, energy, np.nan), "mass": mass,
                  "co2e": co2e_m, "bio": np.where(bio, mass, 0.0), "gwp": gwp_e, "tier": tier, "unverified": uses_unverified,
                  "year": year, "period": D["period"], "count": count}
    inv = Inventory(ds, lib, s.method, basis, gases, combos, raw, cls_arrays, params, given, co2e, D)
    if sums.ok:
        inv._cache["group_sums"] = sums
    return inv


def _origin_gwp(lib, basis, gases, gas_code, gwp, kind, biogenic, not_biogenic) -> np.ndarray:
    """GWP per class with the gas's origin where the set distinguishes it (AR6: CH4 fossil 29.8,
    non-fossil 27.0, reference/quantification.md §1, checked). Fossil: fuel combustion and fugitive
    releases not marked biogenic, and any row marked biogenic = no; non-fossil: biogenic = yes; a
    row of another kind with the mark left blank keeps the set's general value (27.9)."""
    out = gwp.copy()
    for i, g in enumerate(gases):
        of_gas = gas_code == i
        if not of_gas.any():
            continue
        for origin, mask in (("fossil", of_gas & ~biogenic & (not_biogenic | (kind == K_FUEL) | (kind == K_FUGITIVE))),
                             ("non-fossil", of_gas & biogenic)):
            if not mask.any():
                continue
            try:
                out[mask] = lib.gwp(basis, f"{g}-{origin}")
            except KeyError:  # the set has one value for the gas (SAR–AR5, or a gas without origins)
                pass
    return out


class _GroupSums:
    """CO2e per raw class, per (facility, period), per (source, period), and records per (block
    of rows, source × period), accumulated chunk by chunk — only when those group spaces are
    small next to a chunk (else Inventory._sums takes them over whole arrays)."""

    def __init__(self, t, n_raw: int):
        self.nper = nper = max(len(t.period_year), 1)
        self.fac, self.src, self.per = t.t("facility").codes, t.t("source_id").codes, t.period
        nf, ns = len(t.t("facility").levels) * nper, len(t.t("source_id").levels) * nper
        self.ok = max(n_raw, nf, ns) <= 4 * CHUNK
        if self.ok:
            self.n_raw, self.nf, self.ns = n_raw, nf, ns
            self.cs, self.fs, self.ss = np.zeros(n_raw), np.zeros(nf), np.zeros(ns)
            self.blocks = np.zeros((max(-(-len(t) // BLOCK), 1), ns), np.int64)

    def add(self, a: int, key: np.ndarray, e: np.ndarray) -> None:
        if not self.ok:
            return
        b, nper = a + len(key), self.nper
        self.cs += np.bincount(key, weights=e, minlength=self.n_raw)
        g = self.fac[a:b] * nper
        g += self.per[a:b]
        self.fs += np.bincount(g, weights=e, minlength=self.nf)
        g = self.src[a:b] * nper
        g += self.per[a:b]
        self.ss += np.bincount(g, weights=e, minlength=self.ns)
        self.blocks[a // BLOCK] += np.bincount(g, minlength=self.ns)


def _blank_code(cat) -> int:
    """Code of the blank level ('' ), or -1."""
    return cat.levels.index("") if "" in cat.levels else -1


def _cell(sheet, column, message, message_zh):
    from .errors import CellError

    return CellError(sheet, None, column, message, message_zh)
