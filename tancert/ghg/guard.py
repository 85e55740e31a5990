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

from .errors import CellError, InputError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML in all, after unzipping
MAX_RATIO = 200  # a member that unzips to more than 200× its packed size is a zip bomb
MAX_COLUMNS = 200  # the template has a few dozen columns
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 20_000_000  # rows × columns of one sheet's grid: a few GB of memory at the most
_CHUNK = 1 << 20
# A cell's address (r="XFD1048576"); rows carry digits only. Searched from the literal r=" (three times
# faster than a word boundary); an odd attribute ending in r that holds an address only makes the guard
# stricter.
_COLS = re.compile(rb'r="([A-Z]{1,3})[0-9]')
_ROWS = re.compile(rb'r="[A-Z]{1,3}([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"')


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
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _refuse(name, "not a valid .xlsx file (it is not a zip archive)",
                      "不是有效的 .xlsx 文件（不是 zip 压缩包）") from None
    with zf:
        members = zf.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED:
            raise _refuse(name, f"the workbook unpacks to {total // 2**20} MB; the limit is "
                                f"{MAX_UNCOMPRESSED // 2**20} MB — split it or use .csv",
                          f"工作簿解压后为 {total // 2**20} MB，超过 {MAX_UNCOMPRESSED // 2**20} MB 的上限；"
                          "请拆分文件或使用 .csv")
        for m in members:
            if m.file_size > _CHUNK and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                raise _refuse(name, f"{m.filename} unpacks to {m.file_size // m.compress_size}× its size "
                                    "(a zip bomb); save the workbook again from Excel",
                              f"{m.filename} 解压后膨胀为原来的 {m.file_size // m.compress_size} 倍（压缩炸弹）；"
                              "请用 Excel 重新保存工作簿")
        for m in members:
            if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                _check_sheet(zf, m, name)


def _check_sheet(zf: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
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
