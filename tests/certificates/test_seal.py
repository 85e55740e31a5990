"""The certificate's integrity seal: verifies offline, fails after one byte of content changes."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from tancert.certificates import seal

from flow import certify, change_certificate, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def test_the_issued_pdf_carries_a_valid_seal(cert):
    pdf = cert.versions.get().pdf.read()
    embedded = seal.seal_from_pdf(pdf)
    public = seal.private_key().public_key()
    result = seal.verify(embedded, public)
    assert result.ok and result.content["number"] == cert.number
    assert embedded == cert.versions.get().seal


def test_one_changed_byte_of_content_breaks_the_seal(cert):
    public = seal.private_key().public_key()
    s = json.loads(json.dumps(cert.versions.get().seal))
    s["content"]["expiry_date"] = s["content"]["expiry_date"][:-1] + ("9" if s["content"]["expiry_date"][-1] != "9"
                                                                      else "8")
    result = seal.verify(s, public)
    assert not result.ok and "altered" in result.reason


def test_a_seal_from_another_key_is_refused(cert):
    other = Ed25519PrivateKey.generate().public_key()
    assert not seal.verify(cert.versions.get().seal, other).ok


def test_offline_verification_command(cert, tmp_path, capsys):
    pdf_path = tmp_path / "cert.pdf"
    pdf_path.write_bytes(cert.versions.get().pdf.read())
    key_path = tmp_path / "key.pem"
    key_path.write_bytes(seal.public_pem(seal.private_key().public_key()))
    call_command("seal", "verify", str(pdf_path), "--key", str(key_path))
    assert "VALID seal" in capsys.readouterr().out
    tampered = json.loads(json.dumps(cert.versions.get().seal))
    tampered["content"]["organisation_name"] += "X"
    bad = tmp_path / "seal.json"
    bad.write_text(json.dumps(tampered, ensure_ascii=False))
    with pytest.raises(SystemExit) as e:
        call_command("seal", "verify", str(bad), "--key", str(key_path))
    assert e.value.code == 1


def test_public_key_and_superseded_versions_on_the_register(client, p, cert):
    r = client.get("/register/seal-key.pem")
    assert r.status_code == 200 and b"BEGIN PUBLIC KEY" in r.content
    change_certificate(cert, p, {"scope": "扩大后的范围"}, reason="扩大范围，经审查")
    page = client.get(f"/register/{cert.number}/").content.decode()
    assert f"/register/{cert.number}/v1/" in page
    old = client.get(f"/register/{cert.number}/v1/")
    assert old.status_code == 200 and "化工产品生产相关的碳管理活动" in old.content.decode()
    assert seal.verify(cert.versions.get(version=1).seal, seal.private_key().public_key()).ok
