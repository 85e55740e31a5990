"""Reading 15-minute or hourly meter series (CSV or Parquet) — all or nothing, like the inventory.

A series file holds one reading per line: `meter_id`, `timestamp`, `value`, `unit` (the Chinese headers
计量器具编号, 时间, 读数, 单位 are accepted too, alone or as a first header row above the English keys, the
template's layout). A reading is the quantity measured in the interval that *starts* at its timestamp;
timestamps are local China time (UTC+8) without an offset, or with `+08:00`; Parquet timestamps with a time
zone are converted to UTC+8. docs/ghg.md, "Meter series".

Columns are read whole by pyarrow and checked as arrays: one pass finds every bad number, timestamp, meter id
or unit and its row; every problem is collected and raised as one `InputError` (sheet = the file name, row =
the line of a CSV file, header = line 1, or the record number + 1 of a Parquet file, so the first reading is
row 2 in both). Hostile files are bounded before they are read: bytes, readings, meters, columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ErrorList, InputError
from .model import Categorical
from .units import UnitError, unit_scale

MAX_BYTES = 512 * 2**20  # a year of 15-minute data of 100 meters is ~140 MB of CSV
MAX_READINGS = 12_000_000  # ~340 meter-years of 15-minute readings
MAX_METERS = 5_000
MAX_ID_CHARS = 64
MAX_COLUMNS = 50
MAX_PARQUET_UNPACKED = 4 * 2**30  # what the row groups say they unpack to
FIRST_ROW = 2  # the first reading is row 2 (header = row 1) in a CSV and a Parquet file alike
YEAR_RANGE = (1990, 2100)  # a timestamp outside is a typing error, not a reading
UTC8 = 8 * 3600

COLUMNS = (("meter_id", "计量器具编号"), ("timestamp", "时间"), ("value", "读数"), ("unit", "单位"))
HEADER_SYNONYMS = {"计量器具": "meter_id", "器具编号": "meter_id", "meter": "meter_id", "时间戳": "timestamp",
                   "时刻": "timestamp", "time": "timestamp", "数值": "value", "计量值": "value", "reading": "value"}
_NUMBER = r"^\s*[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)\s*$"


@dataclass
class Series:
    """Readings of one or more files, column-wise: meter and unit as Categorical, timestamp as int64 seconds of
    local time (UTC+8) since 1970-01-01, value as given in its unit. `offsets[k]` is the first reading of file k."""

    meter: Categorical
    ts: np.ndarray
    value: np.ndarray
    unit: Categorical
    files: list[dict] = field(default_factory=list)  # {"name", "sha256", "readings", "first_row"}
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))  # first reading of each file

    def __len__(self) -> int:
        return len(self.ts)

    def place(self, i: int) -> tuple[str, int]:
        """(file name, row) of reading i."""
        k = int(np.searchsorted(self.starts, i, side="right")) - 1
        return self.files[k]["name"], int(i - self.starts[k]) + self.files[k]["first_row"]


def read_series(paths, errors_limit: int = 200) -> Series:
    """Read one or more series files into one Series. Raises InputError (every problem of every file)."""
    if isinstance(paths, (list, tuple)) and not paths:
        raise _refuse("series", "no series file given", "未提供计量数据文件")
    parts, problems = [], []
    for p in map(Path, paths if isinstance(paths, (list, tuple)) else [paths]):
        try:
            parts.append(_read_one(p))
        except InputError as exc:
            problems += exc.errors
    if problems:
        raise InputError(problems[:errors_limit])
    return _concat(parts)


def _refuse(name: str, en: str, zh: str, row: int | None = None, column: str | None = None) -> InputError:
    e = ErrorList()
    e.add(name, row, column, en, zh)
    return InputError(e.errors)


def _read_one(p: Path) -> Series:
    name = p.name
    if not p.is_file():
        raise _refuse(name, "file not found", "找不到文件")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise _refuse(name, f"the series file is {size // 2**20} MB; the limit is {MAX_BYTES // 2**20} MB — split it "
                            "by meter or by quarter", f"计量数据文件为 {size // 2**20} MB，超过 {MAX_BYTES // 2**20} MB 的上限；"
                                                      "请按计量器具或按季度拆分")
    ext = p.suffix.lower()
    if ext == ".csv":
        cols = _csv_columns(p, name)
    elif ext in (".parquet", ".pq"):
        cols = _parquet_columns(p, name)
    else:
        raise _refuse(name, f"unsupported series file type {ext!r}; use .csv or .parquet",
                      f"不支持的计量数据文件类型 {ext!r}；请使用 .csv 或 .parquet")
    s = _validate(cols, name)
    s.files = [{"name": name, "sha256": _sha256(p), "readings": len(s), "first_row": cols["first_row"]}]
    return s


def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _key_of(header: str) -> str | None:
    h = str(header).strip().lstrip("\ufeff")
    for key, zh in COLUMNS:
        if h.lower() == key or h == zh:
            return key
    return HEADER_SYNONYMS.get(h, HEADER_SYNONYMS.get(h.lower()))


def _header_map(header: list[str], name: str, row: int) -> dict[str, int]:
    """Column key → position; unknown and duplicate columns and missing required ones are errors."""
    e = ErrorList()
    found: dict[str, int] = {}
    if len(header) > MAX_COLUMNS:
        raise _refuse(name, f"{len(header)} columns; a series has 4", f"共 {len(header)} 列；计量数据只有 4 列", row)
    for i, h in enumerate(header):
        k = _key_of(h)
        if k is None:
            if str(h).strip():
                e.add(name, row, str(h)[:40], "unknown column; a series has meter_id, timestamp, value, unit",
                      "未知的列；计量数据的列为 meter_id（计量器具编号）、timestamp（时间）、value（读数）、unit（单位）")
        elif k in found:
            e.add(name, row, str(h)[:40], f"column {k} given twice", f"列 {k} 重复")
        else:
            found[k] = i
    for key, zh in COLUMNS:
        if key not in found:
            e.add(name, row, key, f"column {key} ({zh}) missing", f"缺少列 {key}（{zh}）")
    e.raise_if_any()
    return found


def _csv_columns(p: Path, name: str) -> dict:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    with p.open("rb") as fh:
        head = fh.read(64 * 1024)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(head) < 64 * 1024 or exc.start < len(head) - 4:  # not a character cut at the end of the block
            raise _refuse(name, "the file is not UTF-8 text; save it as CSV UTF-8",
                          "文件不是 UTF-8 文本；请另存为 CSV UTF-8") from None
        text = head[:exc.start].decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))[:2]
    if not lines:
        raise _refuse(name, "the file is empty", "文件为空")
    skip = 1
    # two header rows (Chinese names above the keys, the template's layout): the keys decide
    if len(lines) > 1 and all(_key_of(h) for h in lines[0] if h.strip()) and all(
            _key_of(h) for h in lines[1] if h.strip()) and any(h.strip().lower() == "meter_id" for h in lines[1]):
        skip = 2
    header = lines[skip - 1]
    where = _header_map(header, name, skip)
    names = [f"c{i}" for i in range(len(header))]

    text_types = {n: pa.string() for n in names}
    # the common case parsed by the reader's own threads: ids and units dictionary-encoded, timestamps and numbers
    # typed, nothing read as missing; any cell that does not convert sends the file to the text path, which finds
    # every bad cell and its row
    label = pa.dictionary(pa.int32(), pa.string())
    typed = text_types | {names[where["meter_id"]]: label, names[where["unit"]]: label,
                          names[where["timestamp"]]: pa.timestamp("s"), names[where["value"]]: pa.float64()}

    def read(threads: bool, bad_rows: list, types: dict):
        def on_invalid(row):  # a line with a wrong number of fields: listed, the rest still read
            bad_rows.append(row.number)
            return "skip"

        return pacsv.read_csv(
            p, read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names, block_size=8 << 20,
                                              use_threads=threads),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=[], strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False,
                                                 include_columns=[names[where[k]] for k, _ in COLUMNS]))

    bad_rows: list = []
    try:
        try:
            table = read(True, bad_rows, typed)
        except pa.ArrowInvalid as exc:
            if "conversion error" not in str(exc) and "Failed to parse" not in str(exc):
                raise
            bad_rows = []
            table = read(True, bad_rows, text_types)
        if bad_rows and None in bad_rows:  # the parallel reader does not know line numbers: read again in order
            bad_rows = []
            read(False, bad_rows, text_types)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError) as exc:
        msg = str(exc)
        if "UTF8" in msg or "UTF-8" in msg:
            raise _refuse(name, "the file is not UTF-8 text; save it as CSV UTF-8",
                          "文件不是 UTF-8 文本；请另存为 CSV UTF-8") from None
        raise _refuse(name, "not a readable CSV file", "不是可读取的 CSV 文件") from None
    if bad_rows:
        e = ErrorList()
        e.add_rows(name, np.array([r if r is not None else -1 for r in bad_rows]), None,
                   f"the line does not have the {len(header)} fields of the header",
                   f"该行的字段数与表头的 {len(header)} 列不一致")
        e.raise_if_any()
    if table.num_rows > MAX_READINGS:
        raise _too_many(name, table.num_rows)
    # data rows of the file start after the header rows: the offset keeps CSV row = line number
    return {"first_row": skip + 1, **{k: table.column(names[where[k]]) for k, _ in COLUMNS}}


def _too_many(name: str, n: int) -> InputError:
    return _refuse(name, f"{n:,} readings; the limit is {MAX_READINGS:,} per file — split it by meter or by quarter",
                   f"共 {n:,} 条读数，超过每个文件 {MAX_READINGS:,} 条的上限；请按计量器具或按季度拆分")


def _parquet_columns(p: Path, name: str) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(p)
        meta = pf.metadata
    except (pa.ArrowInvalid, pa.ArrowException, OSError):
        raise _refuse(name, "not a readable Parquet file", "不是可读取的 Parquet 文件") from None
    if meta.num_rows > MAX_READINGS:
        raise _too_many(name, meta.num_rows)
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > MAX_PARQUET_UNPACKED:
        raise _refuse(name, f"the Parquet file unpacks to {unpacked // 2**20} MB; the limit is "
                            f"{MAX_PARQUET_UNPACKED // 2**20} MB", f"Parquet 文件解压后为 {unpacked // 2**20} MB，超过 "
                                                                   f"{MAX_PARQUET_UNPACKED // 2**20} MB 的上限")
    header = pf.schema_arrow.names
    where = _header_map(header, name, 1)
    try:
        table = pf.read(columns=[header[where[k]] for k, _ in COLUMNS])
    except (pa.ArrowInvalid, pa.ArrowException, OSError):
        raise _refuse(name, "not a readable Parquet file", "不是可读取的 Parquet 文件") from None
    return {"first_row": FIRST_ROW, **{k: table.column(header[where[k]]) for k, _ in COLUMNS}}


def _rows(mask: np.ndarray, first_row: int) -> np.ndarray:
    return np.flatnonzero(mask) + first_row


def _validate(cols: dict, name: str) -> Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    e = ErrorList()
    first = cols["first_row"]
    n = len(cols["value"])
    if n == 0:
        raise _refuse(name, "the file holds no readings", "文件中没有读数")

    def nulls(col, key, zh):
        if col.null_count:
            e.add_rows(name, _rows(np.asarray(col.is_null()), first), key, f"{key} missing", f"缺少{zh}（{key}）")
            return True
        return False

    # meter ids: one entry per distinct id, stripped
    meter_col = cols["meter_id"]
    nulls(meter_col, "meter_id", "计量器具编号")
    if not _texty(meter_col.type):
        meter_col = pc.cast(meter_col, pa.string())
    meter = _categorical(meter_col).map_levels(lambda s: s.strip())
    if len(meter.levels) > MAX_METERS:
        raise _refuse(name, f"{len(meter.levels):,} meters; the limit is {MAX_METERS:,} per file",
                      f"共 {len(meter.levels):,} 个计量器具，超过每个文件 {MAX_METERS:,} 个的上限")
    for code, lv in enumerate(meter.levels):
        if lv == "":
            e.add_rows(name, _rows(meter.codes == code, first), "meter_id", "meter_id missing", "缺少计量器具编号（meter_id）")
        elif len(lv) > MAX_ID_CHARS:
            e.add_rows(name, _rows(meter.codes == code, first), "meter_id",
                       f"a meter id is at most {MAX_ID_CHARS} characters", f"计量器具编号最多 {MAX_ID_CHARS} 个字符")

    value = _numbers(cols["value"], name, first, e, nulls)
    ts = _timestamps(cols["timestamp"], name, first, e, nulls)

    unit_col = cols["unit"]
    nulls(unit_col, "unit", "单位")
    if not _texty(unit_col.type):
        unit_col = pc.cast(unit_col, pa.string())
    unit = _categorical(unit_col).map_levels(lambda s: s.strip())
    for code, lv in enumerate(unit.levels[:1000]):
        try:
            unit_scale(lv)
        except UnitError as exc:
            e.add_rows(name, _rows(unit.codes == code, first), "unit", f"unknown unit: {exc}", f"未知的单位：{exc.zh}")
    if len(unit.levels) > 1000:
        e.add(name, None, "unit", "more than 1,000 different units", "单位种类超过 1,000 种")
    e.raise_if_any()
    return Series(meter, ts, value, unit)


def _texty(t) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _categorical(col) -> Categorical:
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray) and pa.types.is_dictionary(col.type) and col.num_chunks:
        col = col.unify_dictionaries()  # every chunk indexes one dictionary: the codes are concatenated
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in col.chunks])
        levels = [("" if v is None else v) for v in col.chunk(0).dictionary.to_pylist()]
        return Categorical(np.nan_to_num(codes).astype(np.int32) if codes.dtype.kind == "f" else codes, levels)
    enc = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not pa.types.is_dictionary(enc.type):
        enc = enc.dictionary_encode()
    codes = enc.indices.to_numpy(zero_copy_only=False)
    levels = [("" if v is None else v) for v in enc.dictionary.to_pylist()]
    return Categorical(np.nan_to_num(codes).astype(np.int32) if codes.dtype.kind == "f" else codes, levels)


def _numbers(col, name, first, e: ErrorList, nulls) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    had_null = nulls(col, "value", "读数")
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        col = pc.utf8_trim_whitespace(col)
        try:
            col = pc.cast(col, pa.float64())
        except pa.ArrowInvalid:
            ok = np.asarray(pc.match_substring_regex(col, _NUMBER).fill_null(True))
            blank = np.asarray(pc.equal(col, "").fill_null(False))
            e.add_rows(name, _rows(blank, first), "value", "value missing", "缺少读数（value）")
            e.add_rows(name, _rows(~ok & ~blank, first), "value", "not a number", "不是数字")
            if ok.all() and not blank.any():  # a spelling the pattern lets through and the reader does not
                e.add(name, None, "value", "some values are not plain decimal numbers", "部分读数不是普通的十进制数字")
            return np.zeros(len(col))
    elif pa.types.is_integer(col.type) or pa.types.is_floating(col.type) or pa.types.is_decimal(col.type):
        col = pc.cast(col, pa.float64())
    else:
        e.add(name, None, "value", f"the value column holds {col.type}, not numbers", f"读数列的类型为 {col.type}，不是数字")
        return np.zeros(len(col))
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    v = np.asarray(col.to_numpy(zero_copy_only=False), np.float64)
    fin = np.isfinite(v)
    if had_null:
        fin |= np.isnan(v) & np.asarray(col.is_null())  # already reported as missing
    if not fin.all():
        e.add_rows(name, _rows(~fin, first), "value", "NaN or infinity is not a reading; give the measured number",
                   "NaN 或无穷大不是读数；请填写实测数值")
    neg = v < 0
    if neg.any():
        e.add_rows(name, _rows(neg, first), "value", "negative reading; a reading is the quantity of one interval, ≥ 0",
                   "读数为负；读数是一个时段的计量量，应 ≥ 0")
    return v


def _timestamps(col, name, first, e: ErrorList, nulls) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    nulls(col, "timestamp", "时间")
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_timestamp(col.type):
        secs = pc.cast(col, pa.timestamp("s", tz=col.type.tz), safe=False).cast(pa.int64())
        t = (secs.fill_null(0) if col.null_count else secs).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        if col.type.tz is not None:
            t = t + UTC8  # stored as UTC: the local wall time of China
    elif pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        col = col.fill_null("")
        try:  # the common case: ISO 8601 without an offset, parsed in one pass
            t = np.asarray(pc.cast(col, pa.timestamp("s")).cast(pa.int64()), np.int64)
        except pa.ArrowInvalid:
            s = pc.utf8_trim_whitespace(col)
            s = pc.replace_substring_regex(s, r"^(\d{4}-\d{2}-\d{2})T", r"\1 ")
            s = pc.replace_substring_regex(s, r"(\+08:?00)$", "")
            s = pc.replace_substring_regex(s, r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})$", r"\1:00")
            parsed = pc.strptime(s, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
            bad = np.asarray(parsed.is_null()) & np.asarray(pc.not_equal(col, ""))
            e.add_rows(name, _rows(bad, first), "timestamp",
                       "not a timestamp; write YYYY-MM-DD HH:MM[:SS] in local time (UTC+8), optionally +08:00",
                       "不是有效的时间；请按 YYYY-MM-DD HH:MM[:SS] 填写北京时间（UTC+8），可带 +08:00")
            return np.zeros(len(col), np.int64)
    else:
        e.add(name, None, "timestamp", f"the timestamp column holds {col.type}, not timestamps",
              f"时间列的类型为 {col.type}，不是时间")
        return np.zeros(len(col), np.int64)
    lo = (np.datetime64(f"{YEAR_RANGE[0]}-01-01") - np.datetime64("1970-01-01")).astype("timedelta64[s]").astype(np.int64)
    hi = (np.datetime64(f"{YEAR_RANGE[1]}-01-01") - np.datetime64("1970-01-01")).astype("timedelta64[s]").astype(np.int64)
    out = (t < lo) | (t >= hi)
    if col.null_count:
        out &= ~np.asarray(col.is_null())
    if out.any():
        e.add_rows(name, _rows(out, first), "timestamp", f"timestamp outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}",
                   f"时间不在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 年范围内")
    return t


def _concat(parts: list[Series]) -> Series:
    if len(parts) == 1:
        return parts[0]
    levels = sorted({lv for p in parts for lv in p.meter.levels})
    units = sorted({lv for p in parts for lv in p.unit.levels})

    def recode(c: Categorical, lv: list[str]) -> np.ndarray:
        idx = {x: i for i, x in enumerate(lv)}
        return np.array([idx[x] for x in c.levels], np.int32)[c.codes]

    starts, files, at = [], [], 0
    for p in parts:
        starts.append(at)
        files += p.files
        at += len(p)
    return Series(Categorical(np.concatenate([recode(p.meter, levels) for p in parts]), levels),
                  np.concatenate([p.ts for p in parts]), np.concatenate([p.value for p in parts]),
                  Categorical(np.concatenate([recode(p.unit, units) for p in parts]), units), files,
                  np.array(starts, np.int64))
