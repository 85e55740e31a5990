"""Looking at a workbook before opening it: a spreadsheet is a zip of XML that can claim a billion cells
in a few hundred bytes. The reader (calamine) sizes its grid from the cells' addresses, and a request for
half a terabyte aborts the whole process — for every user of the server. So the zip is measured and each
worksheet's cell addresses are scanned, streamed and bounded, before calamine sees the file; a file over
the limits is refused with a message that says what to do (docs/ghg.md, "Input limits").

Only .xlsx/.xlsm are read this way: binary .xls/.xlsb and .ods cannot be measured without reading them,
so they are refused with a request to save as .xlsx.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np

from . import ziplimits
from .errors import CellError, InputError

MAX_UNCOMPRESSED = ziplimits.MAX_UNCOMPRESSED  # bytes of XML in all, after unzipping
MAX_RATIO = ziplimits.MAX_RATIO  # a member that unzips to more than 200× its packed size is a zip bomb
MAX_COLUMNS = 200  # the template has a few dozen columns
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 20_000_000  # rows × columns of one sheet's grid: a few GB of memory at the most
# The shared-strings table: each text is stored once and cells point at it, so 150 KB can make 50,000 cells
# point at one 20,000-character text — a gigabyte of text for the reader (the "string bomb"). Excel
# itself allows 32,767 characters in a cell; the XML of one text (UTF-8, entities, rich-text runs) stays
# well below 256 KiB. The text the cells reach is summed before anything is read.
MAX_STRINGS = 1_000_000  # different texts in the table
MAX_STRING_BYTES = 256 * 1024  # the XML of one text
MAX_TEXT_BYTES = 100 * 1024 * 1024  # the text all cells reach together (a shared text counts per cell)
_CHUNK = 1 << 20
# A cell's address (r="XFD1048576"); rows carry digits only. Searched from the literal r=" (three times
# faster than a word boundary); an odd attribute ending in r that holds an address only makes the guard
# stricter.
_COLS = re.compile(rb'r="([A-Z]{1,3})[0-9]')
_ROWS = re.compile(rb'r="[A-Z]{1,3}([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"')
_SHARED_CELL = re.compile(rb'<c [^>]*t="s"[^>]*><v>([0-9]{1,10})</v>')  # a cell that shows shared text N
_STRING = re.compile(rb"<si>.*?</si>|<si/>", re.S)
_SHARED = "xl/sharedStrings.xml"


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _refuse(name: str, en: str, zh: str) -> InputError:
    return InputError([CellError(name, None, None, en, zh)])


def check_workbook(path: Path) -> None:
    """Raise InputError unless the workbook is an .xlsx/.xlsm within the limits above."""
    name = path.name
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise _refuse(name, "only .xlsx workbooks are read; save the file as .xlsx (or use .csv / .json)",
                      "只读取 .xlsx 工作簿；请另存为 .xlsx（或使用 .csv / .json）")
    with path.open("rb") as fh:
        zf, problem = ziplimits.open_zip(fh)
        if problem is None:
            with zf:
                problem = ziplimits.measure(zf, max_uncompressed=MAX_UNCOMPRESSED, max_ratio=MAX_RATIO)
                if problem is None:
                    lengths = _string_lengths(zf, name)
                    text = 0
                    for m in zf.infolist():
                        if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                            text = _check_sheet(zf, m, name, lengths, text)
        if problem is not None:
            raise _zip_refusal(name, problem)


def _zip_refusal(name: str, p: ziplimits.ZipProblem) -> InputError:
    if p.code == "size":
        return _refuse(name, f"the workbook unpacks to {p.value // 2**20} MB; the limit is "
                             f"{p.limit // 2**20} MB — split it or use .csv",
                       f"工作簿解压后为 {p.value // 2**20} MB，超过 {p.limit // 2**20} MB 的上限；"
                       "请拆分文件或使用 .csv")
    if p.code == "ratio":
        return _refuse(name, f"{p.member} unpacks to {p.value}× its size (a zip bomb); save the workbook "
                             "again from Excel",
                       f"{p.member} 解压后膨胀为原来的 {p.value} 倍（压缩炸弹）；请用 Excel 重新保存工作簿")
    if p.code == "members":
        return _refuse(name, f"the workbook has {p.value:,} parts; an .xlsx has a few dozen (the limit is "
                             f"{p.limit:,}) — save it again from Excel",
                       f"工作簿包含 {p.value:,} 个部件，正常的 .xlsx 只有几十个（上限 {p.limit:,}）；"
                       "请用 Excel 重新保存工作簿")
    return _refuse(name, "not a valid .xlsx file (it is not a zip archive)",
                   "不是有效的 .xlsx 文件（不是 zip 压缩包）")


def _string_lengths(zf: zipfile.ZipFile, name: str) -> np.ndarray:
    """The XML size of every text of the shared-strings table (streamed; a size bounds its characters)."""
    try:
        member = zf.getinfo(_SHARED)
    except KeyError:
        return np.zeros(0, dtype=np.int64)
    lengths: list[int] = []
    rest = b""
    with zf.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            data = rest + chunk
            end, before = 0, len(lengths)
            for m in _STRING.finditer(data):
                lengths.append(m.end() - m.start())
                end = m.end()
            rest = data[end:]
            # an unfinished text longer than the limit is as bad as a finished one
            if max(max(lengths[before:], default=0), len(rest) - _CHUNK) > MAX_STRING_BYTES:
                raise _refuse(name, "the workbook holds a text longer than Excel allows in a cell (32,767 "
                                    "characters); shorten it",
                              "工作簿中有文本超过 Excel 单元格允许的长度（32,767 个字符）；请缩短该文本")
            if len(lengths) > MAX_STRINGS:
                raise _refuse(name, f"the workbook holds more than {MAX_STRINGS:,} different texts; split it or "
                                    "use .csv",
                              f"工作簿含有超过 {MAX_STRINGS:,} 个不同的文本；请拆分文件或使用 .csv")
    return np.array(lengths, dtype=np.int64)


def _check_sheet(zf: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, lengths: np.ndarray, text: int) -> int:
    """Scan one sheet; text is the shared text the sheets before it reached, returned with this one's."""
    rows = cols = 0
    read = cells = addressed = 0
    tail = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_UNCOMPRESSED:  # the header lied about the size
                raise _refuse(name, "the workbook unpacks to more than the limit; split it or use .csv",
                              "工作簿解压后超过上限；请拆分文件或使用 .csv")
            data = tail + chunk
            letters = set(_COLS.findall(data))
            if letters:
                cols = max(cols, max(map(_column, letters)))
            numbers = _ROWS.findall(data)
            if numbers:
                rows = max(rows, int(np.array(numbers, dtype="S7").astype(np.int64).max()))
            # A cell without an address takes the next column: a row of a million of them is as wide as a
            # far address. Every cell must carry its address (Excel, LibreOffice and the template do).
            cells += sum(chunk.count(tag) for tag in (b"<c ", b"<c>", b"<c/>", b"<x:c ", b"<x:c>"))
            addressed += len(numbers)
            shared = _SHARED_CELL.findall(data)
            if shared and len(lengths):
                idx = np.minimum(np.array(shared, dtype="S10").astype(np.int64), len(lengths) - 1)
                text += int(lengths[idx].sum())
                if text > MAX_TEXT_BYTES:
                    sheet = member.filename.rsplit("/", 1)[-1]
                    raise _refuse(name, f"{sheet}: the cells reach more than {MAX_TEXT_BYTES // 2**20} MB of text "
                                        "(long texts repeated in many cells); shorten the texts or use .csv",
                                  f"{sheet}：单元格引用的文本超过 {MAX_TEXT_BYTES // 2**20} MB（长文本被大量单元格重复引用）；"
                                  "请缩短文本或使用 .csv")
            for d in _DIMENSION.finditer(data):
                cols, rows = max(cols, _column(d.group(1))), max(rows, int(d.group(2)))
            # the last few bytes again with the next chunk: an address cut in two is still seen
            tail = data[-64:]
            if cols > MAX_COLUMNS or rows > MAX_ROWS or rows * cols > MAX_CELLS:
                sheet = member.filename.rsplit("/", 1)[-1]
                raise _refuse(name, f"{sheet} reaches row {rows:,} and column {cols:,}; the limits are "
                                    f"{MAX_COLUMNS} columns and {MAX_CELLS:,} cells — delete the empty rows and "
                                    "columns beyond the data (or use .csv)",
                              f"{sheet} 用到第 {rows:,} 行、第 {cols:,} 列；上限为 {MAX_COLUMNS} 列、"
                              f"{MAX_CELLS:,} 个单元格——请删除数据以外的空行和空列（或使用 .csv）")
    if cells > addressed + 64:  # the overlap of chunks may count an address twice, never a cell
        raise _refuse(name, f"{member.filename.rsplit('/', 1)[-1]} has cells without an address; save the workbook "
                            "again from Excel", f"{member.filename.rsplit('/', 1)[-1]} 中有单元格缺少地址；"
                                                "请用 Excel 重新保存工作簿")
    return text


def workbook_grids(path: Path, sheets) -> dict[str, list[list]]:
    """The named sheets of a measured workbook as grids (the GHG, product, project and event readers): checked
    before calamine opens it; a damaged file is an input error naming only the kind of damage (the library's own
    message is English and internal)."""
    check_workbook(path)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        grids = {}
        for name in wb.sheet_names:
            en = name.split()[-1] if name.split() else name
            if en in sheets:
                grids[en] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for damaged files
        raise InputError([CellError(path.name, None, None, f"cannot read workbook: {type(exc).__name__}",
                                    f"无法读取工作簿：{type(exc).__name__}")]) from None
    return grids
