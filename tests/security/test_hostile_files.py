"""Hostile files at every upload: the gate (tancert/records/uploads.py) refuses them with a Chinese message
and stores nothing — no row, no file under MEDIA_ROOT; inventories are guarded (tancert/ghg/guard.py) and
read in a bounded child process (tancert/ghg/isolated.py). Every bomb is made here, small, at test time."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tancert.audits.models.carbon import InventoryUpload
from tancert.audits.models.checklists import ChecklistItem, EvidenceEntry
from tancert.clients import actions as clients
from tancert.clients.models import ApplicationDocument
from tancert.ghg import InputError, load
from tancert.ghg.template import write_template
from tancert.ghg.units import UnitError, unit_scale
from tancert.people.actions import create_api_token
from tancert.records import uploads

from flow import PDF, PNG, accept_and_contract, complete_application, inventory_bytes, plan_initial

API = "/api/v1"
HTML_PDF = b"%PDF-1.7\n<html><body><script>document.location='https://evil.example/'</script></body></html>\n"


def bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def media_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {f for f in root.rglob("*") if f.is_file()} if root.exists() else set()


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def ooxml(kind: str = "xlsx", extra: dict | None = None, *, content_types: bool = True) -> bytes:
    """A minimal Office package; extra: more members (name → bytes)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if content_types:
            z.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", b"<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """300 KB that unpacks to 300 MB of shared strings."""
    return ooxml("xlsx", {"xl/sharedStrings.xml": b"<sst>" + b"A" * (300 * 2**20) + b"</sst>"})


def huge_png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")  # 144 million pixels in a few KB
    return out.getvalue()


@pytest.fixture
def draft(p):
    return clients.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))


@pytest.fixture
def stage2(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    return plan_initial(app, p)[1]


# ----- the gate, file by file

def test_a_zip_bomb_as_application_document_is_refused_over_the_api_and_nothing_is_stored(p, draft, settings):
    before = media_files(settings)
    r = bearer(p.client_a).post(f"{API}/applications/{draft.pk}/documents/D3",
                                {"file": SimpleUploadedFile("manual.xlsx", zip_bomb())})
    assert r.status_code == 422 and r.json()["rule"] == "R7.1-D3" and r.json()["field"] == "file"
    assert "压缩炸弹" in r.json()["message_zh"]
    assert not ApplicationDocument.objects.exists() and media_files(settings) == before


def test_a_zip_bomb_as_checklist_evidence_is_a_page_error_and_nothing_is_stored(p, stage2, settings, client):
    from tancert.audits.checklists import actions as checklist_actions

    checklist_actions.start_checklist(stage2, by=p.lead)
    item = ChecklistItem.objects.filter(checklist__audit=stage2).first()
    before = media_files(settings)
    client.force_login(p.auditor)
    r = client.post(f"/audits/{stage2.pk}/checklist/{item.pk}/evidence/",
                    {"kind": "document", "file": SimpleUploadedFile("records.xlsx", zip_bomb())}, follow=True)
    assert r.status_code == 200
    shown = " ".join(str(m) for m in r.context["messages"])
    assert "压缩炸弹" in shown, shown
    assert not EvidenceEntry.objects.filter(item=item).exists() and media_files(settings) == before


def test_a_pdf_header_in_front_of_a_web_page_is_refused(p, draft, rule, settings):
    before = media_files(settings)
    with rule("R7.1-D3", field="file") as info:
        clients.upload_document(draft, "D3", by=p.client_a, filename="manual.pdf", content=HTML_PDF)
    assert "HTML" in info.value.message_zh and chinese(info.value.message_zh)
    with rule("R7.1-D3", field="file"):  # nor behind a real PDF's end
        clients.upload_document(draft, "D3", by=p.client_a, filename="manual.pdf",
                                content=PDF + b"\n<html><script>alert(1)</script></html>")
    assert not draft.documents.exists() and media_files(settings) == before


@pytest.mark.parametrize("content", [PDF[: len(PDF) // 3], b"%PDF-1.4\n" + bytes(range(256)) * 40,
                                     b"%PDF-1.4\n%%EOF\n"], ids=["truncated", "garbage", "empty-body"])
def test_a_pdf_that_does_not_parse_is_refused(p, draft, rule, content):
    with rule("R7.1-D3", field="file") as info:
        clients.upload_document(draft, "D3", by=p.client_a, filename="manual.pdf", content=content)
    assert chinese(info.value.message_zh) and "PDF" in info.value.message_zh
    assert not draft.documents.exists()


def test_a_small_real_pdf_and_real_office_files_are_accepted(p, draft, tmp_path):
    assert clients.upload_document(draft, "D3", by=p.client_a, filename="manual.pdf", content=PDF).content_type \
        == "application/pdf"
    xlsx = write_template(tmp_path / "data.xlsx", example=True).read_bytes()
    doc = clients.upload_document(draft, "D3", by=p.client_a, filename="data.xlsx", content=xlsx)
    assert doc.content_type.endswith("spreadsheetml.sheet") and draft.documents.count() == 2


@pytest.mark.parametrize("content,words", [
    (ooxml("docx", content_types=False), "docx"),
    (ooxml("xlsx", {f"xl/media/{i}.bin": b"" for i in range(5_001)}), "5,003"),
], ids=["no-content-types", "too-many-parts"])
def test_office_files_must_be_real_ooxml_within_the_zip_limits(p, draft, rule, content, words):
    with rule("R7.1-D3", field="file") as info:
        clients.upload_document(draft, "D3", by=p.client_a, filename="f.docx", content=content)
    assert chinese(info.value.message_zh) and words in info.value.message_zh
    assert not draft.documents.exists()


def test_an_image_of_enormous_dimensions_is_refused_as_a_checkin_photo(p, stage2, rule, settings):
    from tancert.audits.checklists import checkins

    before = media_files(settings)
    with rule("R7.4", field="photos") as info:
        checkins.check_in(stage2, by=p.lead, meeting="opening", photos=[("team.png", huge_png())])
    assert "像素" in info.value.message_zh
    assert not stage2.checkins.exists() and media_files(settings) == before


def test_a_broken_image_is_refused_and_a_real_one_accepted():
    assert not uploads.examine(PNG[:40], allowed=["png"]).ok
    assert uploads.examine(PNG, allowed=["png"]).kind == "png"


def test_signed_original_scans_go_through_the_gate(p, draft, rule):
    from tancert.records.actions import attach_signed_original
    from tancert.records.models import Event

    event = Event.objects.order_by("-seq").first()
    with rule("RR-signed", field="file"):
        attach_signed_original(event, by=p.reviewer, filename="scan.pdf", content=HTML_PDF, kept_at="档案室")
    with rule("RR-signed", field="file"):
        attach_signed_original(event, by=p.reviewer, filename="scan.png", content=huge_png(), kept_at="档案室")
    assert not event.originals.exists()
    assert attach_signed_original(event, by=p.reviewer, filename="scan.pdf", content=PDF, kept_at="档案室").sha256


def test_a_file_over_the_cap_is_refused_without_being_read_whole(p, draft, settings):
    settings.TANCERT_MAX_UPLOAD_BYTES = 1000
    r = bearer(p.client_a).post(f"{API}/applications/{draft.pk}/documents/D3",
                                {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * 50_000)})
    assert r.status_code == 422 and r.json()["field"] == "file" and not ApplicationDocument.objects.exists()


# ----- inventories: the string bomb, the child process, the command line

def _string_bomb(tmp_path: Path, text_chars: int = 20_000, cells: int = 50_000) -> Path:
    """The worked example with one long text that 50,000 activity cells point at (150 KB on disk, a gigabyte
    of text for a reader)."""
    src = write_template(tmp_path / "example.xlsx", example=True)
    long_text = ("碳" + "abcdefghij" * (text_chars // 10)).encode()
    with zipfile.ZipFile(src) as z:
        count = z.read("xl/sharedStrings.xml").count(b"<si>")
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="s"><v>%d</v></c>' % (c, r, count)
                                                    for c in (b"A", b"B", b"C", b"D", b"E"))
                    + b"</row>" for r in range(1000, 1000 + cells // 5))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for m in zin.infolist():
            data = zin.read(m.filename)
            if m.filename == "xl/sharedStrings.xml":
                data = data.replace(b"</sst>", b"<si><t>" + long_text + b"</t></si></sst>")
            if m.filename == "xl/worksheets/sheet5.xml":  # the Activity sheet
                data = data.replace(b"</sheetData>", rows + b"</sheetData>", 1)
            zout.writestr(m.filename, data)
    return bomb


def test_a_string_bomb_is_refused_by_the_guard_before_the_reader_sees_it(tmp_path, monkeypatch):
    import python_calamine

    bomb = _string_bomb(tmp_path)
    assert bomb.stat().st_size < 400_000

    def never(*a, **k):
        raise AssertionError("the reader was reached")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)
    with pytest.raises(InputError) as info:
        load(bomb)
    err = info.value.errors[0]
    assert "MB" in err.message and "长文本" in err.message_zh


def test_a_text_longer_than_excel_allows_is_refused(tmp_path):
    bomb = _string_bomb(tmp_path, text_chars=300_000, cells=5)
    with pytest.raises(InputError) as info:
        load(bomb)
    assert "32,767" in info.value.errors[0].message_zh


def test_a_long_unit_never_reaches_the_unit_parser():
    with pytest.raises(UnitError):
        unit_scale("kWh" * 10_000)


def test_a_string_bomb_upload_is_a_422_and_nothing_is_stored(p, stage2, tmp_path, settings):
    before = media_files(settings)
    r = bearer(p.client_a).post(f"{API}/audits/{stage2.pk}/inventories",
                                {"file": SimpleUploadedFile("inventory.xlsx", _string_bomb(tmp_path).read_bytes())})
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.3"
    assert "长文本" in r.json()["errors"][0]["message_zh"]
    assert not InventoryUpload.objects.exists() and media_files(settings) == before


@pytest.mark.parametrize("limit", [{"TANCERT_INVENTORY_MEMORY_BYTES": 32 * 2**20},
                                   {"TANCERT_INVENTORY_SECONDS": 0.05}], ids=["memory", "time"])
def test_an_inventory_too_big_for_the_child_is_a_422_and_nothing_is_stored(p, stage2, settings, limit):
    for name, value in limit.items():
        setattr(settings, name, value)
    before = media_files(settings)
    r = bearer(p.client_a).post(f"{API}/audits/{stage2.pk}/inventories",
                                {"file": SimpleUploadedFile("inventory.json", inventory_bytes())})
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.3"
    assert "文件过大或过于复杂" in r.json()["errors"][0]["message_zh"]
    assert not InventoryUpload.objects.exists() and media_files(settings) == before


def test_an_inventory_within_the_bounds_is_read_in_the_child(p, stage2):
    r = bearer(p.client_a).post(f"{API}/audits/{stage2.pk}/inventories",
                                {"file": SimpleUploadedFile("inventory.json", inventory_bytes())})
    assert r.status_code == 201 and r.json()["version"] == 1


def _four_gib():
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


@pytest.mark.parametrize("lang,words", [("zh", "第 1,048,576 行"), ("en", "row 1,048,576")])
def test_the_command_line_refuses_a_far_cell_under_a_4_gib_address_space(tmp_path, lang, words):
    src = write_template(tmp_path / "example.xlsx", example=True)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for m in zin.infolist():
            data = zin.read(m.filename)
            if m.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
                                                     b"</sheetData>", 1)
            zout.writestr(m.filename, data)
    done = subprocess.run([sys.executable, "-c", "import sys; from tancert.cli import main; sys.exit(main())",
                           "ghg", "check", str(bomb), "--lang", lang], capture_output=True, text=True,
                          preexec_fn=_four_gib, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "bomb.xlsx" in done.stderr and "sheet1.xml" in done.stderr and words in done.stderr
