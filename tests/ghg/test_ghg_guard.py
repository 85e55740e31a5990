"""Hostile workbooks are refused before the reader sees them (tancert/ghg/guard.py): a cell address at
the end of the sheet (a 1.5 KB file that used to abort the server), a zip bomb, a sheet wider than the
template could ever be, binary formats that cannot be measured. Each refusal is an InputError with a
Chinese message; the worked example still loads."""

from __future__ import annotations

import zipfile

import pytest

from tancert.ghg import InputError, guard, load
from tancert.ghg.template import write_template


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("guard") / "example.xlsx", example=True)


def _rewrite(src, dst, change):
    """Copy an .xlsx, passing each member's bytes through change(name, data)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for m in zin.infolist():
            zout.writestr(m.filename, change(m.filename, zin.read(m.filename)))
    return dst


def _first_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _refused(path) -> InputError:
    with pytest.raises(InputError) as info:
        load(path)
    err = info.value.errors[0]
    assert err.message and err.message_zh and any("\u4e00" <= ch <= "\u9fff" for ch in err.message_zh)
    return info.value


def test_the_worked_example_passes_the_guard(example):
    guard.check_workbook(example)
    assert len(load(example).activity.rows) > 0


def test_a_cell_at_the_end_of_the_sheet_is_refused_before_reading(example, tmp_path):
    def far_cell(name, data):
        if _first_sheet(name):
            return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
                                                 b"</sheetData>", 1)
        return data
    bad = _rewrite(example, tmp_path / "far.xlsx", far_cell)
    assert bad.stat().st_size < 200_000
    err = _refused(bad)
    assert "1,048,576" in err.errors[0].message and "16,384" in err.errors[0].message


def test_a_claimed_dimension_far_beyond_the_data_is_refused(example, tmp_path):
    def claim(name, data):
        if _first_sheet(name):
            return data.replace(b"<sheetData", b'<dimension ref="A1:ZZZ999999"/><sheetData', 1)
        return data
    _refused(_rewrite(example, tmp_path / "dim.xlsx", claim))


def test_a_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b"A" * (64 * 1024 * 1024) + b"</sst>")
    assert bomb.stat().st_size < 1_000_000
    assert "炸弹" in _refused(bomb).errors[0].message_zh


def test_more_xml_than_the_limit_is_refused(monkeypatch, example):
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED", 1000)
    _refused(example)


@pytest.mark.parametrize("suffix", [".xls", ".xlsb", ".ods"])
def test_formats_that_cannot_be_measured_are_refused_with_what_to_do(tmp_path, suffix):
    f = tmp_path / f"inventory{suffix}"
    f.write_bytes(b"PK\x03\x04 not really")
    assert ".xlsx" in _refused(f).errors[0].message_zh


def test_a_file_that_is_no_zip_is_refused(tmp_path):
    f = tmp_path / "fake.xlsx"
    f.write_bytes(b"%PDF-1.7 <html>")
    _refused(f)


def test_cells_without_an_address_are_refused(example, tmp_path):
    """A row of address-less cells would be as wide as a far address: every cell must carry one."""
    def wide(name, data):
        if _first_sheet(name):
            return data.replace(b"</sheetData>", b'<row r="9">' + b"<c><v>1</v></c>" * 5000 + b"</row></sheetData>", 1)
        return data
    _refused(_rewrite(example, tmp_path / "wide.xlsx", wide))
