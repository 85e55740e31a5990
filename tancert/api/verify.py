"""Public verification (docs/verify.md): a certificate's signed status statement, the transparency log's signed
tree head, entries and RFC 9162 proofs. No login; rate-limited and logged
like every public lookup (R9.2-lookup)."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema

from tancert.certificates.models import Certificate
from tancert.certificates.register import lookup
from tancert.certificates.register.status import statement
from tancert.records import transparency
from tancert.records.models import LogLeaf

router = Router(tags=["public"], auth=None)

Number = Annotated[str, Field(max_length=40)]
Index = Annotated[int, Field(ge=0, le=2**53)]


class StatusStatement(Schema):
    number: str
    status: str
    expiry_date: str
    superseded_by: str | None
    produced_at: str
    valid_until: str
    key_id: str
    algorithm: str
    signature: str


@router.get("/certificates/{number}/status", response=StatusStatement)
def certificate_status(request, number: Number):
    """A signed, short-lived statement of the certificate's status now (like OCSP): number, status, expiry date,
    the certificate that superseded it, produced-at and valid-until, Ed25519 signature with the records key
    (keys at /records/head). The signature covers `tancert-certificate-status-v1\\n` and the canonical JSON of the
    other fields (sorted keys, no spaces)."""
    address = lookup.admit(request, "api", f"{number}/status")
    cert = Certificate.objects.filter(number="".join(number.split()).upper()).first()
    lookup.log(address, "api", f"{number}/status", int(cert is not None))
    if cert is None:
        raise Http404
    return statement(cert)


class TreeHead(Schema):
    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    algorithm: str
    signature: str


@router.get("/transparency/sth", response=TreeHead)
def tree_head(request):
    """The transparency log's signed tree head: size, root (hex SHA-256, RFC 9162 hashing), time, signature over
    `tancert-transparency-sth-v1\\n` and the canonical JSON of the other fields. Keep it to check consistency
    later."""
    lookup.admit(request, "api", "transparency-sth")
    return transparency.tree_head()


class Entry(Schema):
    index: int
    number: str
    leaf: str
    leaf_hash: str


class Entries(Schema):
    entries: list[Entry]


def _entries(qs) -> dict:
    return {"entries": [{"index": e.index, "number": e.number, "leaf": e.leaf, "leaf_hash": e.leaf_hash}
                        for e in qs.order_by("index")[:transparency.MAX_ENTRIES]]}


@router.get("/transparency/entries", response=Entries)
def entries(request, start: Index = 0, end: Index | None = None):
    """Log entries from `start` to `end` (exclusive), at most 1000 at a time. `leaf` is the exact text hashed."""
    lookup.admit(request, "api", "transparency-entries")
    qs = LogLeaf.objects.filter(index__gte=start)
    return _entries(qs if end is None else qs.filter(index__lt=end))


@router.get("/transparency/certificates/{number}", response=Entries)
def certificate_entries(request, number: Number):
    """Every log entry of one certificate (its issue and each later public change)."""
    address = lookup.admit(request, "api", f"{number}/log")
    found = LogLeaf.objects.filter(number="".join(number.split()).upper())
    lookup.log(address, "api", f"{number}/log", int(found.exists()))
    return _entries(found)


class InclusionProof(Schema):
    leaf_index: int
    tree_size: int
    audit_path: list[str]


def _size(tree_size: int) -> int:
    current = transparency.size()
    if tree_size > current or tree_size < 1:
        raise Http404  # a tree this log never had
    return tree_size


@router.get("/transparency/proof/inclusion", response=InclusionProof)
def inclusion_proof(request, index: Index, tree_size: Index):
    """RFC 9162 2.1.3 inclusion proof of entry `index` in the tree of `tree_size` entries (hex hashes)."""
    lookup.admit(request, "api", "transparency-proof")
    n = _size(tree_size)
    if index >= n:
        raise Http404
    return {"leaf_index": index, "tree_size": n,
            "audit_path": [h.hex() for h in transparency.inclusion_path(index, transparency.hashes(n))]}


class ConsistencyProof(Schema):
    first: int
    second: int
    consistency_path: list[str]


@router.get("/transparency/proof/consistency", response=ConsistencyProof)
def consistency_proof(request, first: Index, second: Index):
    """RFC 9162 2.1.4 consistency proof between the trees of `first` and `second` entries (hex hashes)."""
    lookup.admit(request, "api", "transparency-proof")
    n = _size(second)
    if first > n or first < 1:
        raise Http404
    return {"first": first, "second": n,
            "consistency_path": [h.hex() for h in transparency.consistency_path(first, transparency.hashes(n))]}
