"""Public certificate lookup (R9.2-lookup): no authentication."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import ValidationError

from tancert.certificates import seal
from tancert.certificates.models import Certificate
from tancert.certificates.register import lookup
from tancert.certificates.register.pagedata import page_data
from tancert.certificates.register.search import (
    TooShort,
    certificate_by_number,
    public_history_labels,
    search_certificates,
)
from tancert.records import checkpoints

router = Router(tags=["public"], auth=None)


class PublicCertificate(Schema):
    number: str
    status: str
    status_label: str
    organisation_name: str
    organisation_address: str
    credit_code: str
    scope: str
    criterion: str
    issue_date: date
    first_issue_date: date
    expiry_date: date
    surveillance_status: str
    surveillance_status_label: str


def _public(c: Certificate) -> dict:
    return _publics([c])[0]


def _publics(certs) -> list[dict]:
    """The public answer for each certificate. Today's date and the labels in the visitor's language are looked up
    once for the list, not per certificate: a search of 50 spent most of its time translating the same labels
    (docs/performance.md, Public register)."""
    from django.utils import timezone

    today = timezone.localdate()
    statuses = {value: str(label) for value, label in Certificate.STATUSES}
    stages = {value: str(label) for value, label in Certificate.SURVEILLANCE}
    found = []
    for c in certs:
        status = c.public_status_on(today)
        found.append({
            "number": c.number, "status": status, "status_label": statuses[status],
            "organisation_name": c.organisation_name, "organisation_address": c.organisation_address,
            # Dates as the JSON answer spells them (ISO 8601), made here once rather than by the encoder's fallback
            # for each (a tenth of a search of 50); the schema reads them back as dates (tests compare the bodies).
            "credit_code": c.credit_code, "scope": c.scope, "criterion": c.criterion,
            "issue_date": c.issue_date.isoformat(), "first_issue_date": c.first_issue_date.isoformat(),
            "expiry_date": c.expiry_date.isoformat(),
            "surveillance_status": c.surveillance_status,
            "surveillance_status_label": stages.get(c.surveillance_status, c.surveillance_status),
        })
    return found


@router.get("/certificates/{number}", response=PublicCertificate)
def lookup_one(request, number: str):
    """One certificate by number: status, holder, scope, criterion, dates, surveillance status.

    Rate-limited per client address (429 with Retry-After) and logged (R9.2-lookup)."""
    return public_certificate(request, number)


def public_certificate(request, number: str) -> dict:
    """The answer of `lookup_one` (also served by api/fastpath.py, in front of the middleware stack)."""
    address = lookup.admit(request, "api", number)
    cert = certificate_by_number(number)
    lookup.log(address, "api", number, int(cert is not None))
    if cert is None:
        raise Http404
    return _public(cert)


class PublicHistoryItem(Schema):
    date: date
    change: str
    label: str


class PublicHistory(Schema):
    number: str
    status: str
    history: list[PublicHistoryItem]
    versions: list[dict]
    chain: list[str]


@router.get("/certificates/{number}/history", response=PublicHistory)
def history(request, number: str):
    """The history of changes of one certificate (issue, surveillance, changes, suspension, …), its versions
    (superseded ones stay verifiable, R9.4.2) and its recertification chain. Rate-limited and logged."""
    from django.utils import timezone

    address = lookup.admit(request, "api", number)
    data = page_data("".join(number.split()))[1]  # what the certificate's page shows (register/pagedata.py)
    lookup.log(address, "api", number, int(data is not None))
    if data is None:
        raise Http404
    cert, labels = data.cert, public_history_labels()
    return {"number": cert.number, "status": cert.public_status,
            "history": [{"date": timezone.localtime(e.at).date(), "change": e.action.split(".", 1)[1],
                         "label": str(labels[e.action])} for e in data.events],
            "versions": [{"version": v.version, "superseded": v.superseded_at is not None,
                          "url": f"/register/{cert.number}/v{v.version}/"} for v in data.versions],
            "chain": [c.number for c in data.chain]}


@router.get("/certificates", response=list[PublicCertificate])
def search(request, q: str, include_superseded: bool = False):
    """Search by number, organisation name or unified social credit code (at most 50 results). Current
    certificates only, unless `include_superseded`: one a recertification replaced is left out (R9.3-renewal)."""
    return public_search(request, q, include_superseded)


def public_search(request, q: str, include_superseded: bool = False) -> list[dict]:
    """The answer of `search` (also served by api/fastpath.py)."""
    q = q.strip()[:100]
    if not q:
        return []
    address = lookup.admit(request, "api", q)
    try:
        found = _publics(search_certificates(q, current_only=not include_superseded))
    except TooShort as short:  # 422 with what to type instead (api/errors.py), logged as a lookup that found none
        lookup.log(address, "api", q, 0)
        raise ValidationError([{"loc": ("query", "q"), "msg": short.message, "type": "too_short"}]) from None
    lookup.log(address, "api", q, len(found))
    return found


class SealKey(Schema):
    algorithm: str
    key_id: str
    public_key_pem: str


@router.get("/seal-key", response=SealKey)
def seal_key(request):
    """The body's public key for verifying certificate seals offline."""
    lookup.admit(request, "api", "seal-key")
    public = seal.private_key().public_key()
    return {"algorithm": seal.ALGORITHM, "key_id": seal.key_id(public), "public_key_pem": seal.public_pem(public).decode()}


class Checkpoint(Schema):
    seq: int
    head: str
    at: str
    key_id: str
    signature: str


class RecordsKey(Schema):
    key_id: str
    public_key: str
    created: str
    retired: str | None
    endorsed_by: str | None
    endorsement: str | None


class RecordsHead(Schema):
    algorithm: str
    checkpoint: Checkpoint | None
    keys: list[RecordsKey]


@router.get("/records/head", response=RecordsHead)
def records_head(request):
    """The record log's signed head: the latest signed checkpoint (sequence number, head hash, time, key id,
    Ed25519 signature) and every public key of the records keyring, each later key endorsed by the one
    before. Keep a copy: `tancert records verify` then proves the record was not cut short or rewritten."""
    lookup.admit(request, "api", "records-head")
    return checkpoints.signed_head()
