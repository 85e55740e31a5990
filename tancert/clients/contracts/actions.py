"""Contract and fee on acceptance (R7.2-contract, R12): estimate, quote, PDF, signature, payment."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tancert.clients.estimate import estimate_for_application
from tancert.clients.models import Application, Contract
from tancert.clients.scopes.rules import entries as scope_entries
from tancert.ops.notifications.send import send
from tancert.ops.notify import notify, organisation_users, staff_with_role  # retired: see ops/notify.py
from tancert.pdfkit import html_to_pdf
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.records.documents import record_pdf
from tancert.scheme.violations import require


def estimate(app: Application) -> tuple[Decimal, list[dict]]:
    """Auditor-days and the justification lines that go into the contract.

    The planning engine's calculator (R7.3.1, R7.3.3, Appendix B) from the application's data.
    """
    return estimate_for_application(app)


def quote(days: Decimal) -> tuple[list[dict], Decimal]:
    fees = settings.TANCERT_FEES
    cycle_years = settings.TANCERT_CERT_VALIDITY_YEARS
    items = [
        {"zh": "申请费", "en": "application fee", "quantity": "1", "unit_price": fees["application_fee"]},
        {"zh": "审核费（人日）", "en": "audit fee (auditor-days)", "quantity": str(days), "unit_price": fees["day_rate"]},
        {"zh": "差旅费（按审核人日计）", "en": "travel (per auditor-day)", "quantity": str(days),
         "unit_price": fees["travel_per_audit_day"]},
        {"zh": "证书注册费（每年）", "en": "certificate registration (per year)", "quantity": str(cycle_years),
         "unit_price": fees["registration_fee_per_year"]},
    ]
    total = Decimal(0)
    for item in items:
        amount = (Decimal(item["quantity"]) * Decimal(item["unit_price"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
        item["amount"] = str(amount)
        item["unit_price"] = str(item["unit_price"])
        total += amount
    return items, total


def _render(contract: Contract) -> bytes:
    app = contract.application
    with translation.override("zh-hans"):
        html = render_to_string("clients/contract_pdf.html", {
            "c": contract, "app": app, "org": app.organisation, "body": settings.TANCERT_BODY,
            "validity": settings.TANCERT_CERT_VALIDITY_YEARS, "scope_levels": scope_entries(app),
        })
    return html_to_pdf(html)


def issue_contract(app: Application, *, by) -> Contract:
    """Called in the acceptance transaction: the quote and the agreement for the client to sign."""
    days, lines = estimate(app)
    items, total = quote(days)
    now = timezone.now()
    number = f"HT{timezone.localdate(now):%Y%m%d}-{app.pk:05d}"
    contract = Contract(application=app, number=number, auditor_days=days, justification=lines, fee_items=items,
                        total=total, issued_by=by, issued_at=now)
    pdf = _render(contract)
    contract.sha256 = record_pdf(pdf)
    contract.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    contract.save()
    chain.append("contract.issued", subject=app, by=by, organisation=app.organisation_id,
                 summary=f"出具认证合同 {number}：{days} 审核人日，报价 {total} 元",
                 data={"number": number, "auditor_days": str(days), "total": str(total), "items": items,
                       "justification": lines, "pdf_sha256": contract.sha256})
    send("contract.issued", by=by, organisation=app.organisation, application=app, contract=contract, total=total)
    return contract


def sign_contract(contract: Contract, *, by, signer_name: str) -> None:
    """The client accepts the contract (recorded; the signed paper original can be attached to the record)."""
    if not by.is_authenticated or by.organisation_id != contract.application.organisation_id:
        raise PermissionDenied(_("Only the organisation's own users can sign its contract."))
    require(bool((signer_name or "").strip()), "R7.2-contract", _("Name the person who signs for the organisation."),
            field="signer_name")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require(locked.status == Contract.ISSUED, "R7.2-contract", _("This contract is already signed."),
                field="status")
        locked.status, locked.signer_name = Contract.SIGNED, signer_name.strip()
        locked.signed_by, locked.signed_at = by, timezone.now()
        locked.save()
        app = locked.application
        chain.append("contract.signed", subject=app, by=by, organisation=app.organisation_id,
                     summary=f"{locked.signer_name} 代表组织确认签署认证合同 {locked.number}",
                     data={"number": locked.number, "signer": locked.signer_name, "pdf_sha256": locked.sha256})
        notify(staff_with_role(Role.APPLICATION_REVIEWER), f"{app.organisation.name} 已签署认证合同",
               link=f"/applications/{app.pk}/")
    contract.refresh_from_db()


def record_payment(contract: Contract, *, by, amount, reference: str) -> None:
    require_role(by, Role.APPLICATION_REVIEWER, Role.CERTIFICATE_ADMIN)
    amount = Decimal(str(amount))
    require(contract.status == Contract.SIGNED, "R7.2-contract",
            _("Payment can be recorded once the contract is signed."), field="status")
    require(amount > 0, "R7.2-contract", _("Give the amount received."), field="amount")
    require(bool((reference or "").strip()), "R7.2-contract", _("Give the payment reference (bank slip, invoice)."),
            field="reference")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require(locked.status == Contract.SIGNED, "R7.2-contract", _("This contract is already paid in full."),
                field="status")
        # Partial payments add up; only the full amount unlocks planning.
        paid = (locked.paid_amount or Decimal(0)) + amount
        refs = "；".join(r for r in (locked.payment_reference, reference.strip()) if r)
        locked.paid_amount, locked.payment_reference = paid, refs[:100]
        locked.paid_recorded_by, locked.paid_at = by, timezone.now()
        if paid >= locked.total:
            locked.status = Contract.PAID
        locked.save()
        app = locked.application
        short = locked.total - paid
        chain.append("contract.paid" if short <= 0 else "contract.partly_paid", subject=app, by=by,
                     organisation=app.organisation_id,
                     summary=f"收到认证费用 {amount} 元（{reference.strip()}）" + (f"，尚欠 {short} 元" if short > 0 else "，已付清"),
                     data={"number": locked.number, "amount": str(amount), "paid": str(paid),
                           "reference": reference.strip()})
        notify(organisation_users(app.organisation), f"已收到认证费用 {amount} 元" + (f"，尚欠 {short} 元" if short > 0 else ""),
               link=f"/applications/{app.pk}/")
        if short <= 0:
            notify(staff_with_role(Role.PROGRAMME_MANAGER), f"{app.organisation.name} 可以策划审核",
                   link=f"/applications/{app.pk}/")
    contract.refresh_from_db()


def contract_allows_planning(app: Application) -> bool:
    contract = getattr(app, "contract", None)
    if contract is None:
        return False
    if settings.TANCERT_PLAN_REQUIRES_PAYMENT:
        return contract.status == Contract.PAID
    return contract.status in (Contract.SIGNED, Contract.PAID)
