"""The public register (R9.2-lookup): search, a certificate's page, its earlier versions and the seal's
public key — no login; every one of them is rate-limited per address and logged (register/lookup.py)."""

from __future__ import annotations

import json
from functools import wraps
from pathlib import Path

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from tancert.certificates import pades, seal, verifier
from tancert.certificates.models import Certificate
from tancert.certificates.register import lookup, pagecache
from tancert.certificates.register.check import check_pdf
from tancert.certificates.register.pagedata import PageData, page_data
from tancert.certificates.register.search import TooShort, public_history_labels, search_certificates
from tancert.records import checkpoints, transparency, uploads
from tancert.records.models import LogLeaf
from tancert.ui.folding import folded
from tancert.ui.walls import get_or_404

MAX_VERSION = 2**31 - 1


def too_many(request, refused: lookup.Refused):
    response = render(request, "certificates/register/too_many.html", {"retry": refused.retry}, status=429)
    response["Retry-After"] = str(refused.retry)
    return response


def rate_limited(view):
    """A refused lookup becomes the 429 page with Retry-After."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except lookup.Refused as refused:
            return too_many(request, refused)
    return wrapper


@rate_limited
def register(request):
    """Public register (R9.2-lookup): search by number, organisation name or credit code."""
    q = (request.GET.get("q") or "").strip()[:100]
    show_all = request.GET.get("all") == "1"  # superseded certificates too (after a recertification)
    certs, hint = [], None
    if q:
        address = lookup.admit(request, "web", q)
        try:
            certs = list(search_certificates(q, current_only=not show_all))
        except TooShort as short:
            hint = short.message
        lookup.log(address, "web", q, len(certs))
    return render(request, "certificates/register/search.html", {
        "q": q, "certificates": certs, "show_all": show_all, "hint": hint})


@rate_limited
def register_certificate(request, number: str):
    """A certificate's public page; anonymous visitors get it from the page cache (register/pagecache.py)."""
    address = lookup.admit(request, "web", number)
    response = pagecache.page(request, number, page_data, certificate_page)
    lookup.log(address, "web", number, int(response is not None))
    if response is None:
        raise Http404
    return response


def certificate_page(request, data: PageData, *, in_shell: bool = False, **context):
    """The page of a certificate (register/pagedata.py); `context` adds to the template's. `in_shell`: the anonymous
    page, its body put into the shell rendered once (register/pagecache.py)."""
    context = {
        "cert": data.cert, "history": data.history, "versions": data.versions, "chain": data.chain,
        "successor": data.successor, "log": data.log, "seal_key_id": seal.current_key_id(), **context,
    }
    if not in_shell:
        return render(request, "certificates/register/certificate.html", context)
    # Its constant tags rendered once per language (ui/folding.py): the body's own text, in two fifths of the time.
    body = folded("certificates/register/certificate_body.html").render(context, request)
    return HttpResponse(pagecache.in_shell(request, data.cert.number, body))


@rate_limited
def register_version(request, number: str, version: int):
    """An earlier version of a certificate stays verifiable, shown as superseded (R9.4.2)."""
    address = lookup.admit(request, "web", f"{number}/v{version}")
    cert = Certificate.objects.filter(number=number.upper()).first()
    lookup.log(address, "web", f"{number}/v{version}", int(cert is not None))
    if cert is None or version > MAX_VERSION:  # beyond any version, and beyond the database's integers
        raise Http404
    v = get_or_404(cert.versions.all(), version=version)
    return render(request, "certificates/register/version.html", {"cert": cert, "v": v, "c": v.content})


@rate_limited
def seal_public_key(request):
    """The body's public key for offline verification of certificate seals (PEM, no login)."""
    lookup.admit(request, "web", "seal-key")
    response = HttpResponse(seal.public_pem(seal.private_key().public_key()), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="tancert-seal-public.pem"'
    return response


@rate_limited
def records_head(request):
    """The record log's signed head (docs/architecture.md, Records): the latest signed checkpoint — the
    chain's length and head hash — and every public key of the records keyring. Whoever keeps a copy can
    later prove that the body's record was cut short or rewritten (`tancert records verify`)."""
    lookup.admit(request, "web", "records-head")
    response = JsonResponse(checkpoints.signed_head(), json_dumps_params={"indent": 1})
    response["Cache-Control"] = "no-store"
    return response


@rate_limited
def signing_certificate(request):
    """The body's PDF signing certificate (PEM): every certificate PDF carries a PAdES signature made with it."""
    lookup.admit(request, "web", "signing-cert")
    response = HttpResponse(pades.certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="tancert-signing-cert.pem"'
    return response


def verifier_script(request):
    """The single-file verifier (standard library + cryptography), for people who do not run tancert."""
    response = HttpResponse(Path(verifier.__file__).read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tancert_verify.py"'
    return response


@rate_limited
def transparency_log(request):
    """The transparency log on the register: its signed tree head and latest entries (docs/verify.md)."""
    lookup.admit(request, "web", "transparency")
    head = transparency.tree_head()
    latest = LogLeaf.objects.order_by("-index")[:50]
    labels = public_history_labels()
    change = {short: labels[action] for action, short in transparency.LOGGED.items()}
    return render(request, "certificates/register/transparency.html", {
        "head": head, "entries": [(e, json.loads(e.leaf)["at"][:10], change[json.loads(e.leaf)["change"]])
                                  for e in latest]})


@rate_limited
def verify_upload(request):
    """Drop a certificate PDF: is it genuine, unmodified and current? (docs/verify.md)."""
    answer, error = None, None
    if request.method == "POST":
        lookup.admit(request, "web", "verify-upload")
        upload = request.FILES.get("pdf")
        content = uploads.read(upload) if upload else None
        verdict = uploads.examine(content, allowed=["pdf"])
        if not verdict.ok:
            error = str(verdict.message) % verdict.params if verdict.params else str(verdict.message)
        else:
            answer = check_pdf(content)
    status = 400 if error else 200
    return render(request, "certificates/register/verify.html", {"answer": answer, "error": error}, status=status)
