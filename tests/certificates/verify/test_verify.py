"""Certificates anyone can verify (docs/verify.md): the PAdES signature over the whole PDF, the signed status
statement, the transparency log's proofs computed from the public endpoints alone, the upload-to-verify page,
and the superseded certificate after a recertification."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tancert.certificates import actions as certs
from tancert.certificates import pades, seal, verifier
from tancert.records import transparency

from flow import certify, complete_application

API = "/api/v1/public"


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 13])
def test_merkle_proofs_follow_rfc9162(n):
    hashes = [transparency.leaf_hash(str(i).encode()) for i in range(n)]
    root = transparency.root(hashes)
    for m in range(n):
        path = transparency.inclusion_path(m, hashes)
        assert verifier.verify_inclusion(hashes[m], m, n, path, root)
        assert not verifier.verify_inclusion(hashes[(m + 1) % n] if n > 1 else b"x" * 32, m, n, path, root)
    for m in range(1, n + 1):
        proof = transparency.consistency_path(m, hashes)
        assert verifier.verify_consistency(m, n, transparency.root(hashes[:m]), root, proof)
        if m < n:  # a rewritten old entry can no longer be proven consistent
            forged = transparency.root([b"\x00" * 32, *hashes[1:m]])
            assert not verifier.verify_consistency(m, n, forged, root, proof)
    assert transparency.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()


def _signed_ok(body: dict, context: bytes, keys: dict) -> bool:
    body = dict(body)
    return verifier.signed_json_valid(body, body.pop("signature"), context, keys)


@pytest.mark.django_db
def test_a_certificate_anyone_can_verify(client, p, tmp_path, capsys):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    pdf = cert.versions.get().pdf.read()

    # The PAdES signature covers the whole file; PDF/A and the seal JSON stay.
    cert_pem = client.get("/register/signing-cert.pem").content
    assert cert_pem == pades.certificate_pem()
    check = verifier.check_pdf_signature(pdf, cert_pem)
    assert check.ok and check.number == cert.number
    assert b"pdfaid:part" in pdf or seal.seal_from_pdf(pdf)
    assert verifier.embedded_seal(pdf) == cert.versions.get().seal
    signed, edited = tmp_path / "c.pdf", tmp_path / "edited.pdf"
    signed.write_bytes(pdf)
    at = pdf.index(b"/MediaBox")
    at = next(i for i in range(at + 9, at + 40) if pdf[i:i + 1] in b"123456789")  # one byte of the page's size
    edited.write_bytes(pdf[:at] + (b"1" if pdf[at:at + 1] != b"1" else b"2") + pdf[at + 1:])
    if shutil.which("pdfsig"):
        ok = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
        bad = subprocess.run(["pdfsig", str(edited)], capture_output=True, text=True).stdout
        assert "Signature is Valid" in ok and "Signature is Valid" not in bad
    assert not verifier.check_pdf_signature(edited.read_bytes(), cert_pem).ok
    call_command("seal", "verify", str(signed))
    assert "VALID" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command("seal", "verify", str(edited))
    assert "changed after signing" in capsys.readouterr().err
    # The standalone verifier, run as people without tancert run it.
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    (tmp_path / "seal.pem").write_bytes(client.get("/register/seal-key.pem").content)
    assert verifier.main([str(signed), "--cert", str(tmp_path / "cert.pem"), "--seal-key",
                          str(tmp_path / "seal.pem")]) == 0
    assert verifier.main([str(edited), "--cert", str(tmp_path / "cert.pem")]) == 1

    # The signed status statement and the log, from the public endpoints alone.
    keys = {k["key_id"]: k["public_key"].encode() for k in client.get(f"{API}/records/head").json()["keys"]}
    status = client.get(f"{API}/certificates/{cert.number}/status").json()
    assert status["status"] == "valid" and status["valid_until"] > status["produced_at"]
    assert _signed_ok(status, verifier.STATUS_CONTEXT, keys)
    assert not _signed_ok({**status, "status": "withdrawn"}, verifier.STATUS_CONTEXT, keys)
    first = client.get(f"{API}/transparency/sth").json()
    assert _signed_ok(first, verifier.STH_CONTEXT, keys)
    certs.suspend_certificate(cert, by=p.decider, trigger="T1", reason="监督审核发现重大不符合",
                              respond_by=timezone.localdate() + timedelta(days=30))
    certs.restore_certificate(cert, by=p.decider, reason="已验证整改")
    certs.withdraw_certificate(cert, by=p.decider, reason="未按期整改")
    second = client.get(f"{API}/transparency/sth").json()
    assert _signed_ok(second, verifier.STH_CONTEXT, keys) and second["tree_size"] == first["tree_size"] + 3
    mine = client.get(f"{API}/transparency/certificates/{cert.number}").json()["entries"]
    assert [e["leaf"].split('"change":"')[1].split('"')[0] for e in mine] == ["issued", "suspended", "restored",
                                                                             "withdrawn"]
    for e in mine:
        proof = client.get(f"{API}/transparency/proof/inclusion",
                           {"index": e["index"], "tree_size": second["tree_size"]}).json()
        assert verifier.verify_inclusion(verifier.leaf_hash(e["leaf"].encode()), e["index"], second["tree_size"],
                                         [bytes.fromhex(h) for h in proof["audit_path"]],
                                         bytes.fromhex(second["root_hash"]))
    proof = client.get(f"{API}/transparency/proof/consistency",
                       {"first": first["tree_size"], "second": second["tree_size"]}).json()
    assert verifier.verify_consistency(first["tree_size"], second["tree_size"], bytes.fromhex(first["root_hash"]),
                                       bytes.fromhex(second["root_hash"]),
                                       [bytes.fromhex(h) for h in proof["consistency_path"]])
    assert client.get(f"{API}/transparency/proof/inclusion", {"index": 0, "tree_size": 10**9}).status_code == 404
    assert client.get(f"{API}/transparency/proof/consistency", {"first": 0, "second": 1}).status_code == 404
    assert client.get(f"{API}/certificates/NOPE/status").status_code == 404
    assert client.get(f"{API}/certificates/{cert.number}/status").json()["status"] == "withdrawn"
    page = client.get("/register/transparency/").content.decode()
    assert cert.number in page and second["root_hash"] in page

    # Upload to verify: genuine and unmodified, but no longer current; an edited file is not genuine.
    answer = client.post("/register/verify/", {"pdf": SimpleUploadedFile("c.pdf", pdf, "application/pdf")})
    html = answer.content.decode()
    assert answer.status_code == 200 and 'id="verify-genuine">是' in html and 'id="verify-current">否' in html
    answer = client.post("/register/verify/", {"pdf": SimpleUploadedFile("e.pdf", edited.read_bytes())})
    assert 'id="verify-genuine">否' in answer.content.decode()
    assert client.post("/register/verify/", {"pdf": SimpleUploadedFile("x.pdf", b"<html>")}).status_code == 400
    assert client.get("/register/verify/tancert_verify.py").content.startswith(b"#!/usr/bin/env python3")

    # Superseded after a real recertification: tests/certificates/test_renewal_change_transfer.py.


def test_signing_works_inside_a_running_event_loop():
    """pyHanko's asyncio.run() inside a running loop (an async server, the browser tests) would refuse."""
    import asyncio
    import concurrent.futures

    from tancert.certificates import pades

    from flow import PDF

    async def inside():
        return pades.sign_pdf(PDF, number="CEC-TEST")

    # A thread of its own: the browser tests may leave a loop running in this worker's main thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        signed = pool.submit(asyncio.run, inside()).result()
    assert signed.startswith(PDF[:8]) and len(signed) > len(PDF) and b"/ByteRange" in signed
