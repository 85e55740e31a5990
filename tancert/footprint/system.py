"""The product system as matrices, and its solution (docs/footprint.md, "Calculation").

Technosphere A (products × activities), demand f (the functional unit), scaling s from A·s = f, inventory
g = B·s, result h = c·g — the method of Brightway (bw2calc) and openLCA (reference/quantification.md §6).
Each process is a column whose diagonal entry is its reference amount; an input is a negative entry in the
provider's row; a background data set is a column of its own (amount 1) whose one elementary flow is its
aggregated kgCO2e. A is factorised once (scipy.sparse.linalg.splu, in supply-chain order: Factors); the same factors solve the transposed
system for the upstream footprint per unit of every product (contributions, Approach 1) and start every
Monte Carlo draw (uncertainty.py).

Multi-output processes (ISO 14044 4.3.4, adopted by ISO 14067 / GB/T 24067: reference/levels.md §1.3):
- physical / economic partitioning: each co-product gets a column of its own holding its share of the
  inputs and emissions (share = amount × physical property or × price, over all outputs);
- system expansion: the co-product displaces the product named in `substitutes` — a positive entry in that
  product's row — and the process keeps all its inputs and emissions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from tancert.ghg.errors import CellError, InputError

from . import units
from .model import Model
from .sheets import ELEMENTARY, EXCHANGES, PROCESSES

ORIGINS = ("fossil", "biogenic", "removal", "luc", "background")


@dataclass
class Column:
    kind: str  # process, coproduct, dataset
    process: str  # the process (or data set) id it belongs to
    label: str


@dataclass
class System:
    A: sp.csc_matrix
    B: sp.csc_matrix  # elementary flows × columns, kg (or kgCO2e for background)
    c: np.ndarray  # characterisation per flow (GWP)
    f: np.ndarray
    columns: list[Column]
    flows: list[tuple[str, str]]  # (gas, origin)
    row_of: dict[str, int]  # "P1", "P1#co", "dataset id" → row
    substitution_rows: set[int]
    # exchanges by matrix entry, for uncertainty: (kind "A"/"B", row, col, value, uncertainty_pct, exchange)
    entries: list[tuple]
    method: str


class Solved:
    def __init__(self, system: System):
        self.system = system
        self.lu = _factorise(system)
        self.s = self.lu.checked_solve(system.f)
        _check_consistent(system, self.s)
        self.cB = system.B.T @ system.c  # characterised elementary flows per column (kgCO2e per column unit)
        self.score = self.s * self.cB  # direct contribution of each column
        self.total = float(self.score.sum())
        self._lam = None

    @property
    def upstream(self) -> np.ndarray:
        """Cradle-to-gate kgCO2e per unit of each row's product: Aᵀ·λ = cB, with the same factors."""
        if self._lam is None:
            self._lam = self.lu.solve(self.cB, trans="T")
        return self._lam


def _gwp(basis: str) -> dict:
    import json

    from tancert.ghg.library import DATA

    sets = json.loads((DATA / "gwp.json").read_text(encoding="utf-8"))["sets"]
    return {k: v for k, v in sets[basis]["values"].items() if v is not None}


def build(model: Model, method: str | None = None) -> System:
    method = method or model.settings.allocation
    errors: list[CellError] = []
    gwp = _gwp(model.settings.gwp)
    procs, datasets = model.processes, model.datasets
    columns: list[Column] = []
    row_of: dict[str, int] = {}
    for pid, p in procs.items():
        row_of[pid] = len(columns)
        columns.append(Column("process", pid, f"{p.name} ({pid})"))
    for did, d in datasets.items():
        row_of[did] = len(columns)
        columns.append(Column("dataset", did, d.name))
    shares: dict[str, dict[str, float]] = {}  # process → output ("" = reference) → share
    subs: dict[tuple[str, str], tuple[int, float]] = {}  # (process, co-product) → (row it displaces, unit factor)
    ai, aj, av = [], [], []
    substitution_rows: set[int] = set()
    for pid, p in procs.items():
        cos = [e for e in model.by_process.get(pid, []) if e.type == "coproduct"]
        j = row_of[pid]
        ai.append(j), aj.append(j), av.append(p.amount)
        if not cos:
            shares[pid] = {"": 1.0}
            continue
        if method == "system_expansion":
            shares[pid] = {"": 1.0}
            for e in cos:
                if not e.substitutes:
                    errors.append(CellError(EXCHANGES.title, e.row, "substitutes",
                                            "system expansion: name the product this co-product displaces (substitutes)",
                                            "系统扩展：请填写该联产品替代的产品（替代产品）"))
                    continue
                r = row_of[e.substitutes]
                target = procs[e.substitutes].unit if e.substitutes in procs else datasets[e.substitutes].unit
                k = units.factor(e.unit, target)
                subs[(pid, e.flow)] = (r, k)
                substitution_rows.add(r)
                ai.append(r), aj.append(j), av.append(e.amount * k)
            continue
        basis = _basis(p, cos, method, errors)
        if basis is None:
            continue
        total = sum(basis.values())
        shares[pid] = {k: v / total for k, v in basis.items()}
        for e in cos:
            row_of[f"{pid}#{e.flow}"] = len(columns)
            columns.append(Column("coproduct", pid, f"{p.name} ({pid}) — {e.flow}"))
            k = row_of[f"{pid}#{e.flow}"]
            ai.append(k), aj.append(k), av.append(e.amount)
    if errors:
        raise InputError(errors)

    flows: dict[tuple[str, str], int] = {}
    bi, bj, bv = [], [], []
    entries = []
    for e in model.exchanges:
        if e.type in ("coproduct", "cutoff"):
            continue
        for out, share in shares[e.process].items():
            col = row_of[e.process] if out == "" else row_of[f"{e.process}#{out}"]
            if e.type == "input":
                pid, _, co = e.flow.partition("#")
                if co and (pid, co) in subs:
                    r, k = subs[(pid, co)]
                    k *= units.factor(e.unit, [x for x in model.by_process[pid] if x.flow == co][0].unit)
                else:
                    r = row_of[e.flow]
                    target = procs[pid].unit if not co else next(
                        x.unit for x in model.by_process[pid] if x.type == "coproduct" and x.flow == co)
                    k = units.factor(e.unit, target)
                v = -e.amount * k * share
                ai.append(r), aj.append(col), av.append(v)
                entries.append(("A", r, col, v, e.uncertainty_pct, e))
            elif e.type == "background":
                r = row_of[e.flow]
                v = -e.amount * units.factor(e.unit, datasets[e.flow].unit) * share
                ai.append(r), aj.append(col), av.append(v)
                entries.append(("A", r, col, v, e.uncertainty_pct, e))
            elif e.type in ELEMENTARY:
                if e.flow not in gwp:
                    errors.append(CellError(EXCHANGES.title, e.row, "flow",
                                            f"gas {e.flow[:40]!r} has no GWP in the {model.settings.gwp} set "
                                            f"(known: {', '.join(sorted(gwp))})",
                                            f"气体 {e.flow[:40]!r} 在 {model.settings.gwp} 中没有 GWP 值"))
                    break
                key = (e.flow, e.type)
                fi = flows.setdefault(key, len(flows))
                v = e.amount * units.to_kg(e.unit) * share * (-1.0 if e.type == "removal" else 1.0)
                bi.append(fi), bj.append(col), bv.append(v)
                entries.append(("B", fi, col, v, e.uncertainty_pct, e))
    if errors:
        raise InputError(errors)
    for did, d in datasets.items():
        fi = flows.setdefault(("CO2e", "background"), len(flows))
        bi.append(fi), bj.append(row_of[did]), bv.append(d.value)
        entries.append(("B", fi, row_of[did], d.value, d.uncertainty_pct, d))
        ai.append(row_of[did]), aj.append(row_of[did]), av.append(1.0)
    n = len(columns)
    A = sp.csc_matrix((av, (ai, aj)), shape=(n, n))  # duplicate entries are summed (a loop on itself)
    B = sp.csc_matrix((bv, (bi, bj)), shape=(len(flows), n))
    flow_list = sorted(flows, key=flows.get)
    c = np.array([1.0 if g == "CO2e" else float(gwp[g]) for g, _ in flow_list])
    f = np.zeros(n)
    ref = procs[model.settings.reference_process]
    f[row_of[ref.id]] = model.settings.amount * units.factor(model.settings.unit, ref.unit)
    return System(A, B, c, f, columns, flow_list, row_of, substitution_rows, entries, method)


def _basis(p, cos, method: str, errors: list[CellError]) -> dict[str, float] | None:
    """Each output's allocation basis ("" = the reference product), or None with the errors added."""
    outs = [("", p.amount, p.unit, p.price, p.physical, PROCESSES.title, p.row)] + [
        (e.flow, e.amount, e.unit, e.price, e.physical, EXCHANGES.title, e.row) for e in cos]
    if method == "economic":
        missing = [o for o in outs if o[3] is None]
        for o in missing:
            errors.append(CellError(o[5], o[6], "price", f"economic allocation of {p.id}: the price of every output "
                                    "is needed", f"{p.id} 的经济分配：需要每个产出的单价"))
        return None if missing else {o[0]: o[1] * o[3] for o in outs}
    if all(o[4] is not None for o in outs):
        return {o[0]: o[1] * o[4] for o in outs}
    dims = {units.quantity(o[2])[1] for o in outs}
    if len(dims) > 1:
        errors.append(CellError(PROCESSES.title, p.row, "physical",
                                f"physical allocation of {p.id}: its outputs are in different quantities "
                                "(e.g. t and kWh); give the physical property of every output",
                                f"{p.id} 的物理分配：各产出的量纲不同（如 t 与 kWh），请填写每个产出的物理量"))
        return None
    return {o[0]: o[1] * units.quantity(o[2])[0] for o in outs}


class Factors:
    """LU factors of A in supply-chain order (docs/footprint.md, "Calculation"; docs/performance.md).

    A product system is a chain of suppliers with loops inside groups of processes (a power plant and the
    mine that feeds it). Its strongly connected groups, taken in the order consumer → supplier, make A block
    triangular; factorised in that order (columns scaled to their reference amount, the diagonal kept as
    pivot unless it is 10× smaller than its column) the LU factors fill in only inside the loops. A general
    fill-reducing order (COLAMD, SuperLU's default and bw2calc's) knows nothing of supply chains: on a
    10,000-process system it took a minute where this takes a hundredth of a second. A solution whose
    residual is not ≤ 1e-10 relative is refactorised the general way, so the order is a speed-up, never a
    different answer."""

    def __init__(self, A: sp.csc_matrix):
        n = A.shape[0]
        self.A = A
        self.d = np.asarray(A.diagonal()).copy()
        self.d[self.d == 0] = 1.0
        self.order = np.arange(n)
        self.lu = None
        if n > 1:
            _n, label = connected_components(A, directed=True, connection="strong")
            coo = A.tocoo()
            cross = label[coo.row] != label[coo.col]
            # scipy numbers the groups so that a supplier's group follows its consumer's; checked, not assumed
            if np.all(label[coo.row[cross]] > label[coo.col[cross]]):
                self.order = np.argsort(label, kind="stable")
                M = (A[self.order][:, self.order] @ sp.diags(1.0 / self.d[self.order])).tocsc()
                self.lu = splu(M, permc_spec="NATURAL", diag_pivot_thresh=0.1)
                self.general = False
        if self.lu is None:
            self._general()

    def _general(self) -> None:
        self.order = np.arange(self.A.shape[0])
        self.lu = splu((self.A @ sp.diags(1.0 / self.d)).tocsc())
        self.general = True

    def solve(self, b: np.ndarray, trans: str = "N") -> np.ndarray:
        o = self.order
        out = np.empty_like(b, dtype=float)
        if trans == "N":
            out[o] = self.lu.solve(np.ascontiguousarray(b[o], dtype=float)) / self.d[o]
        else:
            out[o] = self.lu.solve(np.ascontiguousarray(b[o] / self.d[o], dtype=float), trans="T")
        return out

    def checked_solve(self, f: np.ndarray) -> np.ndarray:
        s = self.solve(f)
        if not self.general and not _small_residual(self.A, s, f):
            self._general()
            s = self.solve(f)
        return s

    @property
    def U(self):
        return self.lu.U


def _small_residual(A, s, f) -> bool:
    r = float(np.linalg.norm(A @ s - f))
    return np.isfinite(r) and r <= 1e-10 * max(float(np.linalg.norm(f)), 1e-300)


def _factorise(system: System) -> Factors:
    try:
        lu = Factors(system.A.tocsc())
    except RuntimeError:  # "Factor is exactly singular"
        raise InputError([_singular(system)]) from None
    d = lu.U.diagonal()
    if not np.all(np.isfinite(d)) or np.min(np.abs(d)) <= 1e-13 * max(np.max(np.abs(d)), 1.0):
        raise InputError([_singular(system)])
    return lu


def _singular(system: System) -> CellError:
    """Name the processes of the loop (strongly connected block) whose matrix is singular."""
    A = system.A.tocsr()
    n_comp, label = connected_components(A, directed=True, connection="strong")
    bad: list[int] = []
    for k in range(n_comp):
        idx = np.flatnonzero(label == k)
        if len(idx) > 2000:
            bad = list(idx)
            break
        block = A[idx][:, idx].toarray()
        if np.linalg.matrix_rank(block) < len(idx):
            bad = list(idx)
            break
    names = ", ".join(sorted({system.columns[i].process for i in bad})) or "?"
    return CellError(PROCESSES.title, None, "process_id",
                     f"the system cannot be solved (singular matrix): processes {names} produce no net output "
                     "together — a loop consumes all it makes, or a process uses up its own product",
                     f"系统无法求解（奇异矩阵）：过程 {names} 合起来没有净产出——循环消耗了其全部产出，或过程消耗了自身的产品")


def _check_consistent(system: System, s: np.ndarray) -> None:
    if not np.all(np.isfinite(s)):
        raise InputError([_singular(system)])
    scale = max(float(np.max(np.abs(s))), 1e-300)
    neg = [i for i in np.flatnonzero(s < -1e-9 * scale) if i not in system.substitution_rows]
    if neg:
        names = ", ".join(sorted({system.columns[i].process for i in neg}))
        raise InputError([CellError(PROCESSES.title, None, "process_id",
                                    f"inconsistent system: processes {names} would have to run a negative amount "
                                    "— a loop consumes more of a product than it makes",
                                    f"系统不一致：过程 {names} 的运行量为负——某个循环消耗的产品多于其产出")])
