"""Contract and fee (R7.2-contract, R12) over the API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from ninja import Router, Schema

from tancert.api.schemas import Amount, Id
from tancert.clients.access import applications_for
from tancert.clients.contracts import actions as contracts
from tancert.people.access import is_office
from tancert.ui.walls import get_or_404

router = Router(tags=["contracts"])


class ContractOut(Schema):
    number: str
    status: str
    auditor_days: Decimal
    justification: list[dict]
    fee_items: list[dict]
    total: Decimal
    sha256: str
    issued_at: datetime
    signer_name: str
    signed_at: datetime | None
    paid_amount: Decimal | None
    payment_reference: str
    paid_at: datetime | None


def _contract(request, app_id: int):
    app = get_or_404(applications_for(request.user), pk=app_id)
    contract = getattr(app, "contract", None)
    if contract is None or not (request.user.is_client or is_office(request.user)):
        from django.http import Http404

        raise Http404
    return contract


@router.get("/applications/{app_id}/contract", response=ContractOut)
def contract(request, app_id: Id):
    """The contract issued on acceptance: auditor-days with justification, fee quote, signature, payment."""
    return _contract(request, app_id)


@router.get("/applications/{app_id}/contract/pdf")
def contract_pdf(request, app_id: Id):
    c = _contract(request, app_id)
    return FileResponse(c.pdf.open("rb"), content_type="application/pdf", filename=f"{c.number}.pdf")


class ContractSignIn(Schema):
    signer_name: str


@router.post("/applications/{app_id}/contract/sign", response=ContractOut)
def sign(request, app_id: Id, payload: ContractSignIn):
    c = _contract(request, app_id)
    contracts.sign_contract(c, by=request.user, signer_name=payload.signer_name)
    return c


class PaymentIn(Schema):
    amount: Amount
    reference: str


@router.post("/applications/{app_id}/contract/payment", response=ContractOut)
def payment(request, app_id: Id, payload: PaymentIn):
    c = _contract(request, app_id)
    if request.user.is_client:
        raise PermissionDenied
    contracts.record_payment(c, by=request.user, amount=payload.amount, reference=payload.reference)
    return c
