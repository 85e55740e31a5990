#!/usr/bin/env python3
"""Verify a tancert certificate without tancert: one file, the standard library and `cryptography` only.

    python3 tancert_verify.py certificate.pdf --cert body-signing-cert.pem [--seal-key seal.pem]
    python3 tancert_verify.py certificate.pdf --online https://register.example.cn

Checks (docs/verify.md):
1. the PDF's signature (PAdES, CMS) covers the whole file, its digest matches and it was made with the
   body's signing certificate — so the page was not changed by one byte;
2. the embedded seal (certificate-seal.json) is signed by the body's seal key (Ed25519), when given;
3. online: the body's signed status statement says whether the certificate is current now, and the
   certificate's entries in the transparency log are included in the body's signed tree head
   (RFC 9162 Merkle proofs), consistent with a tree head you kept earlier (`--sth`).

tancert itself uses the same functions (`tancert seal verify`, the register's upload page).
Exit status 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
import urllib.request
import zlib
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

SEAL_FILE = "certificate-seal.json"
STATUS_CONTEXT = b"tancert-certificate-status-v1\n"
STH_CONTEXT = b"tancert-transparency-sth-v1\n"
_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")  # OID 1.2.840.113549.1.9.4


# --- a minimal DER reader: enough of CMS SignedData to find the signer's attributes and signature ---

def _der(data: bytes, pos: int) -> tuple[int, int, int, int]:
    """(tag, start of content, end of content, end of the whole element) of the element at pos."""
    tag = data[pos]
    length = data[pos + 1]
    start = pos + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4:
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    end = start + length
    if end > len(data):
        raise ValueError("truncated DER")
    return tag, start, end, end


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """Each child as (tag, element start, content start, content end)."""
    out, pos = [], start
    while pos < end:
        tag, cstart, cend, nxt = _der(data, pos)
        out.append((tag, pos, cstart, cend))
        pos = nxt
    return out


@dataclass
class Check:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    number: str | None = None
    seal: dict | None = None

    def fail(self, reason: str) -> Check:
        self.ok = False
        self.reasons.append(reason)
        return self


def _last_signature(pdf: bytes) -> tuple[list[int], bytes] | None:
    found = None
    for m in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf):
        found = [int(x) for x in m.groups()]
    if found is None:
        return None
    a, b, c, _d = found
    hex_contents = pdf[a + b:c].strip()
    if not (hex_contents.startswith(b"<") and hex_contents.endswith(b">")):
        raise ValueError("the signature's /Contents is not where the byte range leaves its gap")
    return found, bytes.fromhex(hex_contents[1:-1].decode("ascii"))


def check_pdf_signature(pdf: bytes, signing_cert_pem: bytes) -> Check:
    """The PAdES signature covers the whole file, matches it, and was made with the body's certificate."""
    check = Check(True)
    try:
        found = _last_signature(pdf)
    except ValueError as exc:
        return check.fail(f"malformed signature: {exc}")
    if found is None:
        return check.fail("the PDF carries no signature")
    (a, b, c, d), cms = found
    if a != 0 or c + d != len(pdf) or b > c:
        return check.fail("the signature does not cover the whole file: something was added or changed after "
                          "signing")
    digest = hashlib.sha256(pdf[a:a + b] + pdf[c:c + d]).digest()
    try:
        cms = cms[:_der(cms, 0)[3]]  # the hex string is padded with zeros after the DER
        _, s, e, _ = _der(cms, 0)
        content_info = _children(cms, s, e)
        _, _, s, e = content_info[1]  # [0] EXPLICIT SignedData
        _, _, s, e = _children(cms, s, e)[0]
        signed_data = _children(cms, s, e)
        certs = [x509.load_der_x509_certificate(cms[p:ce]) for t, _p, cs, ce in signed_data if t == 0xA0
                 for _t, p, _cs, ce in _children(cms, cs, ce)]
        signer_infos = signed_data[-1]
        _, _, s, e = _children(cms, signer_infos[2], signer_infos[3])[0]
        info = _children(cms, s, e)
        attrs = next(x for x in info if x[0] == 0xA0)
        signature = next(x for x in info[info.index(attrs) + 1:] if x[0] == 0x04)
        signed_attrs = b"\x31" + cms[attrs[1] + 1:attrs[3]]  # signed as a SET, stored as [0] IMPLICIT
        message_digest = None
        for _t, _p, s2, _e2 in _children(cms, attrs[2], attrs[3]):
            if cms[s2:s2 + len(_MESSAGE_DIGEST)] == _MESSAGE_DIGEST:
                _, vs, ve, _ = _der(cms, s2 + len(_MESSAGE_DIGEST))  # the SET of values
                _, ds, de, _ = _der(cms, vs)
                message_digest = cms[ds:de]
        sig = cms[signature[2]:signature[3]]
    except (ValueError, IndexError, StopIteration) as exc:
        return check.fail(f"the signature cannot be read: {exc}")
    if message_digest != digest:
        return check.fail("the file was changed after signing (its digest does not match the signature)")
    body = x509.load_pem_x509_certificate(signing_cert_pem)
    if not any(c.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
               == body.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo) for c in certs):
        return check.fail("signed with another certificate than the body's")
    key = body.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(sig, signed_attrs, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(sig, signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        else:
            return check.fail("unsupported signing key type")
    except InvalidSignature:
        return check.fail("the signature is not the body's: it does not verify")
    m = re.search(rb"/Reason\s*\(certificate ((?:[A-Za-z0-9-]|\\[0-7]{3})+)\)", pdf)
    check.number = re.sub(r"\\([0-7]{3})", lambda o: chr(int(o.group(1), 8)), m.group(1).decode()) if m else None
    return check


def embedded_seal(pdf: bytes) -> dict | None:
    """The certificate-seal.json embedded in the PDF (an embedded-file stream, Flate-compressed or not).

    Bounded work on any input: only a short window around each `/EmbeddedFile` is looked at."""
    pos = pdf.find(b"/EmbeddedFile")
    while pos != -1:
        start = pdf.rfind(b"<<", max(0, pos - 2000), pos)
        head = re.search(rb">>\s*stream\r?\n", pdf[pos:pos + 2000])
        if start != -1 and head:
            dictionary, body = pdf[start:pos + head.start()], pos + head.end()
            length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", dictionary)
            end = body + int(length.group(1)) if length else pdf.find(b"endstream", body)
            raw = pdf[body:end]
            try:
                seal = json.loads(zlib.decompress(raw) if b"/FlateDecode" in dictionary else raw)
            except (ValueError, zlib.error):
                seal = None
            if isinstance(seal, dict) and {"content", "signature"} <= seal.keys():
                return seal
        pos = pdf.find(b"/EmbeddedFile", pos + 1)
    return None


def check_seal(seal: dict, seal_key_pem: bytes) -> bool:
    key = serialization.load_pem_public_key(seal_key_pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        return False
    body = json.dumps(seal["content"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    try:
        key.verify(base64.b64decode(seal["signature"]), body)
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


# --- RFC 9162 Merkle tree proofs (2.1.3.2 inclusion, 2.1.4.2 consistency) ---

def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, path: list[bytes]) -> bool:
    if size1 > size2:
        return False
    if size1 == size2:
        return not path and root1 == root2
    if size1 == 0:
        return not path
    if not path:
        return False
    if size1 & (size1 - 1) == 0:  # a power of two: the old root is the first node
        path = [root1, *path]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


def signed_json_valid(body: dict, signature: str, context: bytes, keys: dict[str, bytes]) -> bool:
    """A status statement or tree head: Ed25519 over the context and the canonical JSON of the other fields."""
    pem = keys.get(body.get("key_id", ""))
    if pem is None:
        return False
    key = serialization.load_pem_public_key(pem)
    message = context + json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    try:
        key.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError, AttributeError):
        return False
    return True


def _get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base.rstrip("/") + path, timeout=20) as response:  # noqa: S310 (the user's URL)
        return json.loads(response.read())


def check_online(base: str, number: str, sth_file: str | None = None) -> list[str]:
    """Problems found with the register (empty: current, logged, consistent)."""
    problems = []
    keys = {k["key_id"]: k["public_key"].encode() for k in _get(base, "/api/v1/public/records/head")["keys"]}
    status = _get(base, f"/api/v1/public/certificates/{number}/status")
    signature = status.pop("signature")
    if not signed_json_valid(status, signature, STATUS_CONTEXT, keys):
        problems.append("the status statement's signature does not verify")
    elif status["status"] != "valid":
        problems.append(f"the certificate is not current: {status['status']}")
    sth = _get(base, "/api/v1/public/transparency/sth")
    sth_sig = sth.pop("signature")
    if not signed_json_valid(sth, sth_sig, STH_CONTEXT, keys):
        return [*problems, "the transparency log's tree head is not signed by the body"]
    root = bytes.fromhex(sth["root_hash"])
    for entry in _get(base, f"/api/v1/public/transparency/certificates/{number}")["entries"]:
        proof = _get(base, f"/api/v1/public/transparency/proof/inclusion?index={entry['index']}"
                           f"&tree_size={sth['tree_size']}")
        if not verify_inclusion(leaf_hash(entry["leaf"].encode()), entry["index"], sth["tree_size"],
                                [bytes.fromhex(h) for h in proof["audit_path"]], root):
            problems.append(f"log entry {entry['index']} is not in the signed tree")
    if sth_file:
        try:
            with open(sth_file) as fh:
                old = json.load(fh)
        except FileNotFoundError:
            old = None
        if old and old["tree_size"] <= sth["tree_size"]:
            proof = _get(base, f"/api/v1/public/transparency/proof/consistency?first={old['tree_size']}"
                               f"&second={sth['tree_size']}")
            if not verify_consistency(old["tree_size"], sth["tree_size"], bytes.fromhex(old["root_hash"]), root,
                                      [bytes.fromhex(h) for h in proof["consistency_path"]]):
                problems.append("the log was rewritten since the tree head you kept")
        elif old:
            problems.append("the log is shorter than the tree head you kept")
        with open(sth_file, "w") as fh:
            json.dump({**sth, "signature": sth_sig}, fh)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a tancert certificate PDF (docs/verify.md).")
    parser.add_argument("pdf")
    parser.add_argument("--cert", help="the body's signing certificate (PEM) from its register")
    parser.add_argument("--seal-key", help="the body's seal public key (PEM), to check the embedded seal too")
    parser.add_argument("--online", metavar="URL", help="the register's address: check the current status and "
                                                         "the transparency log")
    parser.add_argument("--sth", metavar="FILE", help="keep the log's tree head here and check consistency")
    args = parser.parse_args(argv)
    with open(args.pdf, "rb") as fh:
        pdf = fh.read()
    if args.cert:
        with open(args.cert, "rb") as fh:
            cert_pem = fh.read()
    elif args.online:
        with urllib.request.urlopen(args.online.rstrip("/") + "/register/signing-cert.pem", timeout=20) as r:  # noqa: S310
            cert_pem = r.read()
    else:
        parser.error("give --cert or --online")
    check = check_pdf_signature(pdf, cert_pem)
    print(("OK   " if check.ok else "FAIL ") + "PDF signature: " + ("; ".join(check.reasons) or "valid, whole file"))
    ok = check.ok
    seal = embedded_seal(pdf)
    if args.seal_key:
        with open(args.seal_key, "rb") as fh:
            sealed = seal is not None and check_seal(seal, fh.read())
        print(("OK   " if sealed else "FAIL ") + "embedded seal")
        ok = ok and sealed
    number = check.number or (seal or {}).get("content", {}).get("number")
    if args.online and number:
        problems = check_online(args.online, number, args.sth)
        print(("OK   " if not problems else "FAIL ") + f"register {number}: " + ("; ".join(problems) or "current, "
                                                                                  "logged"))
        ok = ok and not problems
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
