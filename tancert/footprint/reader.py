"""Reading a footprint workbook (.xlsx) or its JSON form — all or nothing, every error located.

The safety habits of the GHG reader (tancert/ghg/importer.py, docs/ghg.md "Input limits"): the workbook guard
measures the zip and the sheets before calamine reads a cell (tancert/ghg/guard.py, ziplimits.py); the number
of processes and exchanges is bounded; every number must be finite and within a sane size; every problem is
collected with its sheet, row and column in English and Chinese, and one InputError is raised at the end.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from tancert.ghg.errors import CellError, ErrorList, InputError
from tancert.ghg.guard import workbook_grids
from tancert.ghg.units import UnitError

from . import units
from .background import shipped
from .model import Dataset, Exchange, Model, Process, Settings
from .sheets import BACKGROUND, ELEMENTARY, EXCHANGES, PEDIGREE, PROCESSES, SETTINGS, SETTINGS_KEYS, word

MAX_PROCESSES = 60_000
MAX_EXCHANGES = 600_000
MAX_TEXT = 500  # characters of one cell
MAX_AMOUNT = 1e15  # larger amounts are typing errors, and their products would overflow


def sheet_title(en: str) -> str:
    return {"Settings": "设置 Settings"}.get(en) or {s.en: s.title for s in (PROCESSES, EXCHANGES, BACKGROUND)}[en]


def load(path: str | Path) -> Model:
    p = Path(path)
    if not p.is_file():
        raise InputError([CellError(p.name, None, None, "file not found", "找不到文件")])
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    ext = p.suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        model = from_grids(_read_workbook(p), origin=p.name)
    elif ext == ".json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError([CellError(p.name, None, None, f"invalid JSON: {exc}", f"JSON 格式无效：{exc}")]) from None
        model = from_dict(data, origin=p.name)
    else:
        raise InputError([CellError(p.name, None, None, f"unsupported file type {ext!r}; use .xlsx or .json",
                                    f"不支持的文件类型 {ext!r}；请使用 .xlsx 或 .json")])
    model.sha256 = digest
    return model


def _read_workbook(p: Path) -> dict[str, list[list]]:
    return workbook_grids(p, ("Settings", "Processes", "Exchanges", "Background"))


def from_dict(data, *, origin: str = "") -> Model:
    """JSON shape: {"settings": {key: value}, "processes": [{col: value}], "exchanges": [...], "background": [...]}."""
    if not isinstance(data, dict):
        raise InputError([CellError(origin, None, None, "the JSON document must be an object",
                                    "JSON 文档必须是一个对象（object）")])
    grids: dict[str, list[list]] = {}
    s = data.get("settings", {})
    if not isinstance(s, dict):
        raise InputError([CellError(origin, None, "settings", "'settings' must be an object", "'settings' 必须是对象")])
    grids["Settings"] = [["项目", "值"], ["key", "value"]] + [[k, v] for k, v in s.items()]
    for en, key in (("Processes", "processes"), ("Exchanges", "exchanges"), ("Background", "background")):
        recs = data.get(key)
        if recs is None:
            continue
        if not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs):
            raise InputError([CellError(origin, None, key, f"{key!r} must be a list of objects",
                                        f"{key!r} 必须是对象（object）列表")])
        cols = list(dict.fromkeys(k for r in recs for k in r))
        grids[en] = [cols, cols] + [[r.get(c, "") for c in cols] for r in recs]
    return from_grids(grids, origin=origin)


class _Rows:
    """The data rows of one sheet as dicts keyed by column key, with their sheet row numbers."""

    def __init__(self, grid: list[list] | None, sheet, errors: ErrorList, limit: int):
        self.sheet, self.errors, self.rows = sheet, errors, []
        if not grid:
            return
        header = [str(c).strip() for c in (grid[1] if len(grid) > 1 else [])]
        if not any(header) and all(all(v in ("", None) for v in r) for r in grid[2:]):
            return  # an empty sheet (the optional Background sheet left blank)
        known = set(sheet.keys)
        for h in header:
            if h and h not in known:
                errors.add(sheet.title, 2, h, f"unknown column {h!r} (keys are in row 2)", f"未知的列 {h!r}（列键在第 2 行）")
        for c in sheet.columns:
            if c.required and c.key not in header:
                errors.add(sheet.title, 2, c.key, f"required column {c.key!r} is missing", f"缺少必填列 {c.key!r}（{c.zh}）")
        data = grid[2:]
        while data and all(v in ("", None) for v in data[-1]):
            data.pop()
        if len(data) > limit:
            errors.add(sheet.title, None, None, f"{len(data):,} rows; at most {limit:,} are read",
                       f"共 {len(data):,} 行；最多读取 {limit:,} 行")
            errors.raise_if_any()
        for i, r in enumerate(data, start=3):
            if all(v in ("", None) for v in r):
                continue
            self.rows.append((i, {h: (r[j] if j < len(r) else "") for j, h in enumerate(header) if h in known}))


def _text(v, errors: ErrorList, sheet: str, row, col, required=False, zh_col="") -> str:
    s = "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
    if len(s) > MAX_TEXT:
        errors.add(sheet, row, col, f"text longer than {MAX_TEXT} characters", f"文本超过 {MAX_TEXT} 个字符")
        return s[:MAX_TEXT]
    if required and not s:
        errors.add(sheet, row, col, "required value missing", f"必填项{zh_col}为空")
    return s


def _number(v, errors: ErrorList, sheet: str, row, col, *, required=False, positive=False, allow_zero=True,
            lo: float | None = None, hi: float | None = None) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        if required:
            errors.add(sheet, row, col, "required number missing", "必填数值为空")
        return None
    if isinstance(v, bool):
        errors.add(sheet, row, col, "a number is expected", "应为数值")
        return None
    try:
        x = float(str(v).replace(",", "").strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError, OverflowError):
        errors.add(sheet, row, col, f"not a number: {str(v)[:40]!r}", f"不是数值：{str(v)[:40]!r}")
        return None
    if not math.isfinite(x) or abs(x) > MAX_AMOUNT:
        errors.add(sheet, row, col, f"the number must be finite and at most {MAX_AMOUNT:g} in size",
                   f"数值必须为有限数且绝对值不超过 {MAX_AMOUNT:g}")
        return None
    if x < 0:
        errors.add(sheet, row, col, "a negative amount has no meaning here: the type of the exchange gives the "
                   "direction (input, coproduct, removal …); enter the amount as a positive number",
                   "负数在此没有含义：方向由交换类型表示（输入、联产品、清除等），请填写正数")
        return None
    if positive and not allow_zero and x == 0:
        errors.add(sheet, row, col, "must be greater than zero", "必须大于零")
        return None
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        errors.add(sheet, row, col, f"must be between {lo:g} and {hi:g}", f"必须介于 {lo:g} 与 {hi:g} 之间")
        return None
    return x


def _word(v, list_name: str, errors: ErrorList, sheet: str, row, col, *, default: str | None = None) -> str:
    s = "" if v is None else str(v).strip()
    if not s and default is not None:
        return default
    w = word(list_name, s)
    if w is None:
        errors.add(sheet, row, col, f"{s[:40]!r} is not one of the template's choices",
                   f"{s[:40]!r} 不是模板下拉列表中的选项")
        return default or ""
    return w


def _unit(v, errors: ErrorList, sheet: str, row, col) -> str:
    s = _text(v, errors, sheet, row, col, required=True)
    if s:
        try:
            units.quantity(s)
        except UnitError as exc:
            errors.add(sheet, row, col, str(exc), exc.zh)
            return ""
    return s


def _settings(grid, errors: ErrorList) -> dict:
    sheet = sheet_title("Settings")
    if not grid:
        errors.add(sheet, None, None, "the Settings sheet is missing", "缺少“设置 Settings”工作表")
        return {}
    out, rows = {}, {}
    for i, r in enumerate(grid[2:], start=3):
        if not r or r[0] in ("", None):
            continue
        k = str(r[0]).strip()
        if k not in SETTINGS_KEYS:
            errors.add(sheet, i, "key", f"unknown setting {k[:40]!r}", f"未知的设置项 {k[:40]!r}")
            continue
        out[k], rows[k] = (r[1] if len(r) > 1 else ""), i
    return {"values": out, "rows": rows}


def from_grids(grids: dict[str, list[list]], *, origin: str = "") -> Model:
    errors = ErrorList()
    st = _settings(grids.get("Settings"), errors)
    errors.raise_if_any()
    settings = _build_settings(st, errors)
    processes = _processes(grids.get("Processes"), errors)
    library = shipped()
    user = _background(grids.get("Background"), errors, library)
    exchanges = _exchanges(grids.get("Exchanges"), errors, processes)
    errors.raise_if_any()
    datasets = _link(settings, processes, exchanges, library | user, errors)
    errors.raise_if_any()
    return Model(settings, processes, exchanges, datasets, origin=origin)


def _build_settings(st: dict, errors: ErrorList) -> Settings:
    sheet, vals, rows = sheet_title("Settings"), st["values"], st["rows"]
    got = {}
    for c in SETTINGS:
        row = rows.get(c.key)
        v = vals.get(c.key, "")
        if c.required and (v is None or str(v).strip() == ""):
            errors.add(sheet, row, c.key, f"setting {c.key!r} is required", f"设置项“{c.zh}”为必填")
            got[c.key] = None
            continue
        if c.choices:
            got[c.key] = _word(v, c.choices, errors, sheet, row, c.key, default="" if not c.required else None)
        elif c.key == "amount":
            got[c.key] = _number(v, errors, sheet, row, c.key, required=True, positive=True, allow_zero=False)
        elif c.key == "cutoff_pct":
            got[c.key] = _number(v, errors, sheet, row, c.key, lo=0, hi=100)
        elif c.key == "data_year":
            y = _number(v, errors, sheet, row, c.key, lo=1990, hi=2100)
            got[c.key] = int(y) if y is not None else None
        elif c.key == "unit":
            got[c.key] = _unit(v, errors, sheet, row, c.key)
        else:
            got[c.key] = _text(v, errors, sheet, row, c.key)
    errors.raise_if_any()
    return Settings(**got)


def _processes(grid, errors: ErrorList) -> dict[str, Process]:
    sheet = PROCESSES.title
    if not grid:
        errors.add(sheet, None, None, "the Processes sheet is missing", "缺少“过程 Processes”工作表")
        return {}
    out: dict[str, Process] = {}
    for row, r in _Rows(grid, PROCESSES, errors, MAX_PROCESSES).rows:
        pid = _text(r.get("process_id"), errors, sheet, row, "process_id", required=True)
        if pid in out:
            errors.add(sheet, row, "process_id", f"process {pid!r} is listed twice (first in row {out[pid].row})",
                       f"过程 {pid!r} 重复（首次出现在第 {out[pid].row} 行）")
            continue
        product = _text(r.get("product"), errors, sheet, row, "product")
        amount = r.get("amount")
        if not product or amount in (None, ""):
            errors.add(sheet, row, "product", f"process {pid!r} has no reference product (product and amount): every "
                       "process makes exactly one reference product, its exchanges are per that amount",
                       f"过程 {pid!r} 没有参考产品（参考产品与数量）：每个过程必须有且仅有一个参考产品，其交换量均相对于该数量")
            continue
        ped = tuple(_pedigree(r.get(k), errors, sheet, row, k) for k in PEDIGREE)
        proc = Process(
            id=pid, name=_text(r.get("name"), errors, sheet, row, "name", required=True),
            stage=_word(r.get("stage"), "stages", errors, sheet, row, "stage"), product=product,
            amount=_number(amount, errors, sheet, row, "amount", required=True, positive=True, allow_zero=False) or 0.0,
            unit=_unit(r.get("unit"), errors, sheet, row, "unit"),
            controlled=_word(r.get("controlled"), "yes_no", errors, sheet, row, "controlled") == "yes",
            data_type=_word(r.get("data_type"), "data_types", errors, sheet, row, "data_type"),
            source=_text(r.get("source"), errors, sheet, row, "source", required=True),
            secondary_justification=_text(r.get("secondary_justification"), errors, sheet, row,
                                          "secondary_justification"),
            price=_number(r.get("price"), errors, sheet, row, "price"),
            physical=_number(r.get("physical"), errors, sheet, row, "physical"),
            pedigree=ped, row=row)
        if pid:
            out[pid] = proc
    if not out and not errors:
        errors.add(sheet, None, None, "no processes", "没有过程")
    return out


def _pedigree(v, errors, sheet, row, col) -> int | None:
    x = _number(v, errors, sheet, row, col, lo=1, hi=5)
    if x is not None and not float(x).is_integer():
        errors.add(sheet, row, col, "a score is a whole number 1–5", "评分应为 1–5 的整数")
        return None
    return int(x) if x is not None else None


def _background(grid, errors: ErrorList, library: dict[str, Dataset]) -> dict[str, Dataset]:
    sheet = BACKGROUND.title
    out: dict[str, Dataset] = {}
    if not grid:
        return out
    for row, r in _Rows(grid, BACKGROUND, errors, MAX_PROCESSES).rows:
        did = _text(r.get("dataset_id"), errors, sheet, row, "dataset_id", required=True)
        if did in out or did in library:
            errors.add(sheet, row, "dataset_id", f"data set id {did!r} is already used", f"数据集编号 {did!r} 已被使用")
            continue
        conf = _text(r.get("confidence"), errors, sheet, row, "confidence", required=True)
        if conf and conf not in ("checked", "secondary", "unverified"):
            errors.add(sheet, row, "confidence", "confidence is checked, secondary or unverified",
                       "可信度应为 checked、secondary 或 unverified")
        out[did] = Dataset(
            id=did, name=_text(r.get("name"), errors, sheet, row, "name", required=True),
            value=_number(r.get("value"), errors, sheet, row, "value", required=True) or 0.0,
            unit=_unit(r.get("unit"), errors, sheet, row, "unit"),
            source=_text(r.get("source"), errors, sheet, row, "source", required=True), confidence=conf,
            uncertainty_pct=_number(r.get("uncertainty_pct"), errors, sheet, row, "uncertainty_pct", hi=1000),
            row=row)
    return out


def _exchanges(grid, errors: ErrorList, processes: dict[str, Process]) -> list[Exchange]:
    sheet = EXCHANGES.title
    out: list[Exchange] = []
    if not grid:
        return out
    for row, r in _Rows(grid, EXCHANGES, errors, MAX_EXCHANGES).rows:
        pid = _text(r.get("process_id"), errors, sheet, row, "process_id", required=True)
        if pid and pid not in processes:
            errors.add(sheet, row, "process_id", f"no process {pid[:40]!r} in the Processes sheet",
                       f"“过程”工作表中没有过程 {pid[:40]!r}")
        typ = _word(r.get("type"), "exchange_types", errors, sheet, row, "type")
        proc = processes.get(pid)
        out.append(Exchange(
            process=pid, type=typ, flow=_text(r.get("flow"), errors, sheet, row, "flow", required=True),
            amount=_number(r.get("amount"), errors, sheet, row, "amount", required=True) or 0.0,
            unit=_unit(r.get("unit"), errors, sheet, row, "unit"),
            data_type=_word(r.get("data_type"), "data_types", errors, sheet, row, "data_type",
                            default=proc.data_type if proc else "secondary"),
            source=_text(r.get("source"), errors, sheet, row, "source") or (proc.source if proc else ""),
            uncertainty_pct=_number(r.get("uncertainty_pct"), errors, sheet, row, "uncertainty_pct", hi=1000),
            price=_number(r.get("price"), errors, sheet, row, "price"),
            physical=_number(r.get("physical"), errors, sheet, row, "physical"),
            substitutes=_text(r.get("substitutes"), errors, sheet, row, "substitutes"),
            cutoff_estimate_pct=_number(r.get("cutoff_estimate_pct"), errors, sheet, row, "cutoff_estimate_pct",
                                        hi=100),
            row=row))
    return out


def _link(settings: Settings, processes: dict[str, Process], exchanges: list[Exchange],
          datasets: dict[str, Dataset], errors: ErrorList) -> dict[str, Dataset]:
    """Every reference resolves and every unit converts to its provider's; the data sets the model uses."""
    sheet = EXCHANGES.title
    used: dict[str, Dataset] = {}
    coproducts = {(e.process, e.flow): e for e in exchanges if e.type == "coproduct"}
    ref = processes.get(settings.reference_process)
    srow = None
    if ref is None:
        errors.add(sheet_title("Settings"), srow, "reference_process",
                   f"no process {settings.reference_process[:40]!r} in the Processes sheet",
                   f"“过程”工作表中没有过程 {settings.reference_process[:40]!r}")
    else:
        _convert(settings.unit, ref.unit, errors, sheet_title("Settings"), None, "unit",
                 f"the functional unit's unit does not match the reference product of {ref.id}")
    for e in exchanges:
        if e.type == "input":
            pid, _, co = e.flow.partition("#")
            if pid not in processes:
                errors.add(sheet, e.row, "flow", f"input from unknown process {e.flow[:40]!r}",
                           f"输入来自不存在的过程 {e.flow[:40]!r}")
            elif co and (pid, co) not in coproducts:
                errors.add(sheet, e.row, "flow", f"process {pid!r} has no co-product {co[:40]!r}",
                           f"过程 {pid!r} 没有联产品 {co[:40]!r}")
            else:
                target = coproducts[(pid, co)].unit if co else processes[pid].unit
                _convert(e.unit, target, errors, sheet, e.row, "unit", f"input of {e.flow}")
        elif e.type == "background":
            d = datasets.get(e.flow)
            if d is None:
                errors.add(sheet, e.row, "flow", f"unknown background data set {e.flow[:40]!r} (shipped ids: "
                           "`tancert footprint data`; or add it to the Background sheet)",
                           f"未知的背景数据集 {e.flow[:40]!r}（内置编号见 tancert footprint data；或在“背景数据”工作表中添加）")
            else:
                used[d.id] = d
                _convert(e.unit, d.unit, errors, sheet, e.row, "unit", f"background data set {d.id}")
        elif e.type in ELEMENTARY:
            try:
                units.to_kg(e.unit)
            except UnitError:
                errors.add(sheet, e.row, "unit", f"an emission or removal is a mass of gas (kg, t, g), not {e.unit!r}",
                           f"排放或清除应为气体质量（kg、t、g），而不是 {e.unit!r}")
            if e.type == "removal" and e.flow != "CO2":
                errors.add(sheet, e.row, "flow", "a biogenic removal is CO2 taken up", "生物源清除只能是被吸收的 CO2")
        elif e.type == "coproduct" and e.substitutes:
            sub = processes.get(e.substitutes) or datasets.get(e.substitutes)
            if sub is None:
                errors.add(sheet, e.row, "substitutes", f"unknown process or data set {e.substitutes[:40]!r}",
                           f"不存在的过程或数据集 {e.substitutes[:40]!r}")
            else:
                if e.substitutes in datasets:
                    used[e.substitutes] = datasets[e.substitutes]
                _convert(e.unit, sub.unit, errors, sheet, e.row, "unit", f"co-product displacing {e.substitutes}")
    return used


def _convert(unit: str, to: str, errors: ErrorList, sheet: str, row, col: str, what: str) -> None:
    if not unit or not to:
        return
    try:
        units.factor(unit, to)
    except UnitError:
        errors.add(sheet, row, col, f"unit mismatch: {what} is in {to!r}, {unit!r} does not convert to it",
                   f"单位不匹配：{what} 的单位为 {to!r}，{unit!r} 无法换算")
