"""Organisation inventory: factor resolution, the formulas, and the breakdowns.

Formulas (per row, canonical units, see units.CANONICAL):
  fuel         E_CO2 = AD × NCV × CC × OF × 44/12        (AD in GJ skips NCV; a row factor replaces NCV×CC×OF)
  process      E_CO2 = AD × EF × fraction                (stoichiometric EF, fraction = purity × calcination)
  fugitive     E_gas = AD (mass of gas released), CO2e by the method's GWP set
  electricity  E_CO2 = ±AD × EF                         (exports subtract: net of exports)
  heat         E_CO2 = ±AD × EF
  other        E_gas = AD × EF                           (category 3–6, factor from the row)
CO2e = E_gas × GWP(gas); biogenic CO2 is kept apart and never enters the total.

Factor resolution runs once per distinct (kind, activity, region, year, table) combination, not
per row; rows then gather their factor by combination index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ErrorList, InputError
from .library import Factor, Library, Resolution, default_library
from .model import DEFAULT_CATEGORY, KINDS, Dataset
from .units import CANONICAL, rate_scale, unit_scale

C_TO_CO2 = 44.0 / 12.0
DIMS = list(CANONICAL)
D_ENERGY, D_MASS = DIMS.index("energy"), DIMS.index("mass")
K_FUEL, K_PROCESS, K_FUGITIVE, K_ELEC, K_HEAT, K_OTHER = range(6)
FUEL_PARAMS = ("NCV", "CC", "OF")
TIER_CODES = ("", "a", "b", "c", "d", "e", "f")


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


@dataclass
class Inventory:
    dataset: Dataset
    library: Library
    method: str
    gwp_basis: str
    gases: list[str]
    combos: list[Combo]
    combo: np.ndarray  # row → combo index
    group: np.ndarray  # row → factor group (rows sharing a library factor are correlated)
    quantity: np.ndarray  # canonical units
    energy_gj: np.ndarray  # fuel rows: energy (NaN elsewhere)
    gas_code: np.ndarray
    gas_mass: np.ndarray  # t of the row's gas, signed (exports negative)
    co2e: np.ndarray  # t CO2e, biogenic CO2 excluded
    biogenic_co2: np.ndarray
    category: np.ndarray  # 1..6
    kind: np.ndarray  # index into KINDS
    params: dict[str, np.ndarray]  # NCV/CC/OF/EF used per row (canonical); NaN where not used
    given: dict[str, np.ndarray]  # True where the row supplied the value itself
    tier: np.ndarray  # int8 index into TIER_CODES: 0 not stated, 1..6 = a..f
    uses_unverified: np.ndarray
    u_ad: np.ndarray  # % (95% half-width); NaN = not stated
    u_f: np.ndarray

    @property
    def table(self):
        return self.dataset.activity

    @property
    def years(self) -> list[int]:
        return sorted(set(np.unique(self.table.year).tolist()))

    def mask(self, year: int | None = None) -> np.ndarray | None:
        if year is None:
            year = self.dataset.settings.reporting_year
        m = self.table.year == year
        return None if m.all() else m

    def summary(self, year: int | None = None) -> dict:
        """Totals and breakdowns (tCO2e) of one year (default: the reporting year)."""
        m = self.mask(year)
        pick = (lambda a: a) if m is None else (lambda a: a[m])
        w = pick(self.co2e)
        t = self.table

        def by(codes, labels):
            s = np.bincount(pick(codes), weights=w, minlength=len(labels))
            return {lab: float(v) for lab, v in zip(labels, s, strict=False) if lab != "" or v}

        by_cat = np.bincount(pick(self.category), weights=w, minlength=7)
        months = np.bincount(pick(t.month), weights=w, minlength=13)
        gas_mass = np.bincount(pick(self.gas_code), weights=pick(self.gas_mass), minlength=len(self.gases))
        present = np.bincount(pick(self.gas_code), minlength=len(self.gases)) > 0
        return {
            "year": year or self.dataset.settings.reporting_year,
            "total_tco2e": float(w.sum()),
            "by_category": {str(c): float(by_cat[c]) for c in range(1, 7)},
            "by_gas": {g: v for g, v in by(self.gas_code, self.gases).items() if present[self.gases.index(g)]},
            "gas_mass_t": {g: float(gas_mass[i]) for i, g in enumerate(self.gases) if present[i]},
            "by_facility": by(t.t("facility").codes, t.t("facility").levels),
            "by_source": by(t.t("source_id").codes, t.t("source_id").levels),
            "by_month": {f"{m_:02d}": float(months[m_]) for m_ in range(1, 13)} | (
                {"annual": float(months[0])} if months[0] else {}),
            "biogenic_co2_t": float(pick(self.biogenic_co2).sum()),
            "records": int(len(w)),
        }

    def factors_used(self) -> list[dict]:
        seen: dict[str, dict] = {}
        for ci, c in enumerate(self.combos):
            for p, r in c.resolutions.items():
                f = r.factor
                if f is None or f.id in seen:
                    continue
                rows = self.combo == ci
                if p in self.given and self.given[p][rows].all():
                    continue  # every row replaced this default by its own value
                seen[f.id] = f.as_dict() | {"resolution": r.reason, "unverified": f.unverified}
        return list(seen.values())

    def trace(self, i: int) -> dict:
        """Everything behind row i: inputs, converted quantity, factors (ids), formula and result."""
        t = self.table
        c = self.combos[int(self.combo[i])]
        inputs = {k: v[i] for k, v in t.text.items() if v[i] != ""}
        inputs |= {k: float(v[i]) for k, v in t.num.items() if not np.isnan(v[i])}
        used = {}
        for p, arr in self.params.items():
            if not np.isnan(arr[i]):
                f = c.factor(p)
                used[p] = {"value_canonical": float(arr[i]),
                           "source": "row" if self.given[p][i] else (f.id if f else None)}
        return {
            "sheet": t.sheet, "row": int(t.rows[i]), "inputs": inputs,
            "quantity_canonical": float(self.quantity[i]),
            "energy_gj": None if np.isnan(self.energy_gj[i]) else float(self.energy_gj[i]),
            "parameters": used, "gas": self.gases[self.gas_code[i]], "gas_t": float(self.gas_mass[i]),
            "gwp": self.library.gwp(self.gwp_basis, self.gases[self.gas_code[i]]),
            "tco2e": float(self.co2e[i]), "biogenic_co2_t": float(self.biogenic_co2[i]),
            "category": int(self.category[i]), "resolution": {p: r.reason for p, r in c.resolutions.items()},
        }


def _level_lookup(levels, fn, default=np.nan, dtype=np.float64):
    return np.array([fn(s) if s != "" else default for s in levels] or [default], dtype=dtype)


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
        raise InputError([_cell("Settings", "gwp", f"method {s.method} does not fix a GWP basis; choose SAR, AR4, AR5 or AR6")])
    if basis not in lib.gwp_sets and basis != "CO2-only":
        raise InputError([_cell("Settings", "gwp", f"unknown GWP basis {basis!r}")])

    kind_cat = t.t("kind")
    kind = _level_lookup(kind_cat.levels, KINDS.index, -1, np.int64)[kind_cat.codes]
    unit = t.t("unit")
    udim = _level_lookup(unit.levels, lambda u: DIMS.index(unit_scale(u).dimension), -1, np.int64)
    uscale = _level_lookup(unit.levels, lambda u: unit_scale(u).scale)
    qdim = udim[unit.codes]
    q = t.num["quantity"] * uscale[unit.codes]

    # --- one resolution per distinct (kind, activity, region, year, table)
    act, tbl = t.t("activity"), t.t("factor_table")
    region = t.t("region")
    reg_levels = [r or s.region for r in region.levels] or [s.region]
    is_elec = kind == K_ELEC
    reg_code = np.where(is_elec, region.codes, 0) if len(region.levels) > 1 else np.zeros(n, np.int64)
    y0 = int(t.year.min()) if n else s.reporting_year
    radix = (6, max(len(act.levels), 1), max(len(reg_levels), 1), int(t.year.max()) - y0 + 1 if n else 1,
             max(len(tbl.levels), 1))
    key = kind.astype(np.int64)
    for part, r in ((act.codes, radix[1]), (reg_code, radix[2]), (t.year - y0, radix[3]), (tbl.codes, radix[4])):
        key = key * r + part
    size = int(np.prod(radix, dtype=np.int64))
    if size <= 4 * n + 1_000_000:  # dense: O(n) without sorting
        present = np.flatnonzero(np.bincount(key, minlength=size))
        lookup = np.full(size, -1, np.int64)
        lookup[present] = np.arange(len(present))
        combo, ukeys = lookup[key], present
    else:
        ukeys, combo = np.unique(key, return_inverse=True)
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
        out = np.full(len(combos), np.nan if attr != "dim" else -1)
        for i, c in enumerate(combos):
            f = c.factor(p)
            if f is not None:
                if attr == "value":
                    out[i] = f.per_canonical
                elif attr == "dim":
                    out[i] = DIMS.index(rate_scale(f.unit).per)
        return out

    # --- row values: the row's own value where given, else the library default
    ncv_u = t.t("ncv_unit")
    ncv_g = t.num["ncv"] * _level_lookup(ncv_u.levels, lambda u: rate_scale(u).scale)[ncv_u.codes]
    ncv_gdim = _level_lookup(ncv_u.levels, lambda u: DIMS.index(rate_scale(u).per), -1, np.int64)[ncv_u.codes]
    fu = t.t("factor_unit")
    ef_g = t.num["factor"] * _level_lookup(fu.levels, lambda u: rate_scale(u).scale)[fu.codes]
    ef_gdim = _level_lookup(fu.levels, lambda u: DIMS.index(rate_scale(u).per), -1, np.int64)[fu.codes]
    given = {"NCV": ~np.isnan(ncv_g), "CC": ~np.isnan(t.num["cc"]), "OF": ~np.isnan(t.num["of"]),
             "EF": ~np.isnan(ef_g)}
    ncv = np.where(given["NCV"], ncv_g, per_combo("NCV", "value")[combo])
    ncv_dim = np.where(given["NCV"], ncv_gdim, per_combo("NCV", "dim")[combo].astype(np.int64))
    cc = np.where(given["CC"], t.num["cc"], per_combo("CC", "value")[combo])
    of = np.where(given["OF"], t.num["of"], per_combo("OF", "value")[combo])
    ef = np.where(given["EF"], ef_g, per_combo("EF", "value")[combo])
    ef_dim = np.where(given["EF"], ef_gdim, per_combo("EF", "dim")[combo].astype(np.int64))

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
            errors.add_rows(sheet, t.rows[mask & (combo == ci)], column,
                            f"missing factor: no {p} for {c.kind} {c.activity!r} ({c.year}) — {why}; give it in column {column}")

    missing(needs_ncv & np.isnan(ncv), "NCV", "ncv")
    missing(fuel_chain & np.isnan(cc), "CC", "cc")
    missing(fuel_chain & np.isnan(of), "OF", "of")
    missing(uses_ef & np.isnan(ef), "EF", "factor")
    bad = needs_ncv & ~np.isnan(ncv) & (ncv_dim != qdim)
    bad_ef = uses_ef & ~np.isnan(ef) & (ef_dim != qdim)
    bad_fug = (kind == K_FUGITIVE) & (qdim != D_MASS)
    for mask, what in ((bad, "the NCV"), (bad_ef, "the emission factor")):
        for code in np.unique(unit.codes[mask]).tolist():
            errors.add_rows(sheet, t.rows[mask & (unit.codes == code)], "unit",
                            f"unit {unit.levels[code]!r} ({DIMS[udim[code]]}) does not fit {what}'s unit")
    if bad_fug.any():
        errors.add_rows(sheet, t.rows[bad_fug], "unit", "fugitive emissions are a mass of gas (t, kg)")

    # --- gases
    gases = lib.gases() + ["CO2e"]
    gi = {g: i for i, g in enumerate(gases)}
    g_co2 = gi["CO2"]
    combo_gas = np.array([gi.get((c.factor("EF").gas if c.factor("EF") else None) or "CO2", g_co2)
                          for c in combos] or [g_co2], dtype=np.int64)
    gas_col = t.t("gas")
    unit_gas = _level_lookup(fu.levels, lambda u: gi.get(rate_scale(u).gas, -1), -1, np.int64)[fu.codes]
    col_gas = _level_lookup(gas_col.levels, lambda g: gi.get(g, -1), -1, np.int64)[gas_col.codes]
    bad_gas = ~gas_col.blank() & (col_gas < 0)
    if bad_gas.any():
        errors.add_rows(sheet, t.rows[bad_gas], "gas", f"unknown gas; use one of: {', '.join(gases)}")
    default_gas = np.where(kind == K_OTHER, gi["CO2e"], g_co2)
    gas_code = np.where(given["EF"], np.where(unit_gas >= 0, unit_gas, np.where(col_gas >= 0, col_gas, default_gas)),
                        combo_gas[combo])
    fug_gas = _level_lookup(act.levels, lambda a: gi.get(a, g_co2), g_co2, np.int64)[act.codes]
    gas_code = np.where(kind == K_FUGITIVE, fug_gas, np.where(fuel_chain, g_co2, gas_code))
    gwp = np.full(len(gases), np.nan)
    for g, i in gi.items():
        try:
            gwp[i] = lib.gwp(basis, g)
        except KeyError:
            pass
    no_gwp = np.isnan(gwp[gas_code])
    for code in np.unique(gas_code[no_gwp]).tolist():
        errors.add_rows(sheet, t.rows[no_gwp & (gas_code == code)], "activity",
                        f"{gases[code]} has no GWP in {basis}; choose another GWP basis in Settings")
    errors.raise_if_any()

    # --- the formulas, on whole columns
    sign = np.where(t.t("flow").level_mask(lambda f: f == "export"), -1.0, 1.0)
    energy = np.where(qdim == D_ENERGY, q, q * ncv)
    frac = np.where(np.isnan(t.num["fraction"]), 1.0, t.num["fraction"])
    mass = np.where(fuel_chain, energy * cc * of * C_TO_CO2,
                    np.where(kind == K_FUGITIVE, q, q * ef * np.where(kind == K_PROCESS, frac, 1.0)))
    mass = mass * sign
    bio = t.t("biogenic").level_mask(lambda b: b == "yes") & (gas_code == g_co2)
    co2e = np.where(bio, 0.0, mass * gwp[gas_code])
    biogenic = np.where(bio, mass, 0.0)
    category = np.where(np.isnan(t.num["category"]),
                        np.array([DEFAULT_CATEGORY.get(k, 6) for k in KINDS])[kind], t.num["category"]).astype(np.int64)

    # --- provenance per row: tier, unverified defaults used, correlation group
    params = {"NCV": np.where(needs_ncv, ncv, np.nan), "CC": np.where(fuel_chain, cc, np.nan),
              "OF": np.where(fuel_chain, of, np.nan), "EF": np.where(uses_ef, ef, np.nan)}
    used_default = {p: ~given[p] & ~np.isnan(v) for p, v in params.items()}
    # tiers as small ints (0 = not stated, 1..6 = a..f): string arrays would cost 10× more per row
    worst = np.zeros(len(combos) or 1, np.int8)
    unver = np.zeros((len(combos) or 1, 4), bool)
    for i, c in enumerate(combos):
        fs = [c.factor(p) for p in ("NCV", "CC", "OF", "EF")]
        tiers = [TIER_CODES.index(f.tier) for f in fs if f]
        worst[i] = max(tiers) if tiers else 0
        unver[i] = [bool(f and f.unverified) for f in fs]
    any_given = given["NCV"] | given["CC"] | given["OF"] | given["EF"]
    tier_col = t.t("factor_tier")
    any_default = used_default["NCV"] | used_default["CC"] | used_default["OF"] | used_default["EF"]
    supplier = t.t("factor_type").level_mask(lambda x: x == "supplier")
    # unstated tier: the worst library tier among the defaults used; a row's own values count as
    # measured (a) unless they come from a supplier, whose tier the row must state
    own_measured = any_given & ~supplier & ((kind == K_FUEL) | (kind == K_PROCESS))
    derived = np.where(any_default, worst[combo], np.where(own_measured, 1, 0)).astype(np.int8)
    stated = np.array([TIER_CODES.index(x) if x in TIER_CODES else 0 for x in tier_col.levels] or [0], np.int8)
    tier = np.where(tier_col.blank(), derived, stated[tier_col.codes])
    tier = np.where(kind == K_FUGITIVE, 0, tier).astype(np.int8)
    uses_unverified = np.zeros(n, bool)
    for j, p in enumerate(("NCV", "CC", "OF", "EF")):
        uses_unverified |= used_default[p] & unver[combo, j]
    own = any_given.cumsum() - 1
    group = np.where(any_given, len(combos) + own, combo)

    meters = ds.meters
    mid = t.t("meter_id")
    meter_acc = _level_lookup(mid.levels, lambda m: meters[m].accuracy_pct if m in meters and meters[m].accuracy_pct is not None
                              else np.nan)[mid.codes]
    u_ad = np.where(np.isnan(t.num["ad_uncertainty_pct"]), meter_acc, t.num["ad_uncertainty_pct"])
    # IPCC 2006 Vol.1 Ch.3: ±5% for fossil-fuel activity data when nothing better is known (checked)
    u_ad = np.where(np.isnan(u_ad) & fuel, 5.0, u_ad)
    return Inventory(ds, lib, s.method, basis, gases, combos, combo, group, q, np.where(fuel_chain, energy, np.nan),
                     gas_code, mass, co2e, biogenic, category, kind, params, given, tier, uses_unverified, u_ad,
                     t.num["factor_uncertainty_pct"])


def _cell(sheet, column, message):
    from .errors import CellError

    return CellError(sheet, None, column, message)
