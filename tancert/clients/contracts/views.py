"""The certification contract on the application page (R7.2-contract, R12): the client signs, the office
records the payment, both download the PDF/A."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.clients.access import application_in_wall
from tancert.clients.contracts import actions as contracts
from tancert.clients.forms import PaymentForm, SignContractForm
from tancert.people.access import is_office
from tancert.ui.actionview import perform_form


@login_required
@require_POST
def sign(request, pk: int):
    app = application_in_wall(request, pk)
    contract = getattr(app, "contract", None)
    if contract is None:
        raise Http404
    perform_form(request, SignContractForm, contracts.sign_contract, contract, by=request.user,
                 success=_("Contract signed."), invalid=_("Name the person who signs."))
    return redirect("application", pk)


@login_required
@require_POST
def payment(request, pk: int):
    app = application_in_wall(request, pk)
    contract = getattr(app, "contract", None)
    if contract is None or request.user.is_client:
        raise PermissionDenied
    perform_form(request, PaymentForm, contracts.record_payment, contract, by=request.user,
                 success=_("Payment recorded."), invalid=_("Give the amount and the payment reference."))
    return redirect("application", pk)


@login_required
def contract_pdf(request, pk: int):
    app = application_in_wall(request, pk)
    contract = getattr(app, "contract", None)
    if contract is None or not (request.user.is_client or is_office(request.user)):
        raise Http404
    return FileResponse(contract.pdf.open("rb"), content_type="application/pdf", filename=f"{contract.number}.pdf")
