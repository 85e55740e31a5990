"""An organisation's complete record as one archive (RR-format, RR-system).

The zip holds the events as JSON (with their hashes and signatures), the signed head of the whole
record with the public keys (records/checkpoints.py), every document that is a record
(application documents, certificate PDF/A versions, scans of signed originals), a
manifest of SHA-256 sums and the result of verifying the chain, so that an assessor can
check the archive without access to the system.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.db import transaction
from django.utils import timezone

from tancert.records import chain, checkpoints
from tancert.records.models import Event, SignedOriginal
from tancert.records.retention import retention_until

README = """本档案包含组织 {name}（{code}）在 tancert 中的全部认证记录。
- events.json：按顺序排列的记录事件，每条含前一事件的哈希和自身哈希（SHA-256）。
- verification.json：导出时对整条记录链的校验结果（哈希链、每条事件的签名、签名检查点）。
- records-head.json：导出时最新的签名检查点（事件序号、链头哈希、时间）和记录签名公钥；
  每条事件的 signature 是用该公钥（key_id）对其哈希的 Ed25519 签名，可离线核验。
- documents/：作为记录保存的文件（申请文件、证书 PDF/A、签字原件扫描件）。
- manifest.json：以上每个文件的 SHA-256。
保存期限至 {until}（{basis}）。
"""


def _event_dict(ev: Event) -> dict:
    return {
        "seq": ev.seq, "at": ev.at.isoformat(), "actor": ev.actor_name, "actor_id": ev.actor_id,
        "action": ev.action, "subject": f"{ev.subject_type}:{ev.subject_id}", "summary": ev.summary,
        "data": ev.data, "prev_hash": ev.prev_hash, "hash": ev.hash, "signature": ev.signature,
        "key_id": ev.key_id,
    }


def _document_files(org):
    for app in org.applications.all():
        for doc in app.documents.exclude(file=""):
            yield f"documents/application-{app.pk}/{doc.code}-v{doc.version}-{doc.original_name}", doc.file
    for cert in org.certificates.all():
        for version in cert.versions.exclude(pdf=""):
            yield f"documents/certificate-{cert.number}/v{version.version}.pdf", version.pdf
    event_ids = Event.objects.filter(organisation_id=org.pk).values_list("seq", flat=True)
    for original in SignedOriginal.objects.filter(event_id__in=list(event_ids)):
        yield f"documents/signed-originals/{original.event_id}-{original.original_name}", original.file


def organisation_archive(org, *, by) -> bytes:
    with transaction.atomic():
        # The export is itself a record; append first so the archive contains it.
        chain.append("records.exported", subject=org, by=by, organisation=org,
                     summary=f"导出组织 {org.name} 的完整认证记录档案", data={})
    events = [_event_dict(e) for e in Event.objects.filter(organisation_id=org.pk).order_by("seq")]
    result = chain.verify()
    retention = retention_until(org)
    buf = io.BytesIO()
    manifest = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, data: bytes):
            zf.writestr(name, data)
            manifest[name] = hashlib.sha256(data).hexdigest()

        put("events.json", json.dumps(events, ensure_ascii=False, indent=1).encode())
        put("verification.json", json.dumps({
            "chain": result.as_dict(), "verified_at": timezone.now().isoformat(),
            "organisation_events": len(events),
            "retention_until": retention.until.isoformat(), "retention_basis": retention.basis,
        }, ensure_ascii=False, indent=1).encode())
        put("records-head.json", json.dumps(checkpoints.signed_head(), ensure_ascii=False, indent=1).encode())
        put("README.txt", README.format(name=org.name, code=org.credit_code, until=retention.until,
                                        basis=retention.basis).encode())
        for name, f in _document_files(org):
            with f.open("rb") as fh:
                put(name, fh.read())
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return buf.getvalue()
