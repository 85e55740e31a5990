"""Contract and fee on acceptance (R7.2-contract, R12); two reviewers at once; a reviewer removed."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from tancert.clients import actions
from tancert.clients.contracts import actions as contracts
from tancert.clients.models import Application
from tancert.people.actions import revoke_role
from tancert.people.models import Role

from flow import REVIEW_OK, complete_application, pdf_text_streams, plan_initial

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(p):
    app = complete_application(p.org_a, p.client_a)
    actions.accept_application(app, by=p.reviewer, review=REVIEW_OK)
    app.refresh_from_db()
    return app


def test_acceptance_issues_a_contract_with_estimate_quote_and_pdf(accepted, settings):
    c = accepted.contract
    # 120 employees (+1 day), CMS running 6 months (+10 %): 4 → 5.5 auditor-days (planning engine policy).
    assert c.status == "issued" and c.auditor_days == Decimal("5.5")
    assert c.justification[0]["source"] == "RB" and any("120" in line["zh"] for line in c.justification)
    fees = settings.TANCERT_FEES
    expected = fees["application_fee"] + Decimal("5.5") * (fees["day_rate"] + fees["travel_per_audit_day"]) \
        + 3 * fees["registration_fee_per_year"]
    assert c.total == Decimal(expected)
    pdf = c.pdf.read()
    assert pdf.startswith(b"%PDF") and b"pdfaid:part" in pdf_text_streams(pdf)


def test_no_audit_before_the_contract_is_signed_and_paid(p, accepted, rule, settings):
    with rule("R7.2-contract", field="application"):
        plan_initial(accepted, p)
    with pytest.raises(PermissionDenied):
        contracts.sign_contract(accepted.contract, by=p.client_b, signer_name="x")
    with rule("R7.2-contract", field="signer_name"):
        contracts.sign_contract(accepted.contract, by=p.client_a, signer_name=" ")
    with rule("R7.2-contract", field="status"):
        contracts.record_payment(accepted.contract, by=p.reviewer, amount=100, reference="x")
    contracts.sign_contract(accepted.contract, by=p.client_a, signer_name="张三 总经理")
    with rule("R7.2-contract", field="status"):
        contracts.sign_contract(accepted.contract, by=p.client_a, signer_name="张三")
    with rule("R7.2-contract", field="application"):
        plan_initial(accepted, p)
    settings.TANCERT_PLAN_REQUIRES_PAYMENT = False
    s1, s2 = plan_initial(accepted, p)  # a body may plan after signature only
    assert s1.pk and s2.pk


def test_payment_needs_amount_reference_and_an_office_role(p, accepted, rule):
    contracts.sign_contract(accepted.contract, by=p.client_a, signer_name="张三")
    with pytest.raises(PermissionDenied):
        contracts.record_payment(accepted.contract, by=p.client_a, amount=1, reference="x")
    with rule("R7.2-contract", field="amount"):
        contracts.record_payment(accepted.contract, by=p.reviewer, amount=0, reference="x")
    with rule("R7.2-contract", field="reference"):
        contracts.record_payment(accepted.contract, by=p.reviewer, amount=10, reference="")
    contracts.record_payment(accepted.contract, by=p.certadmin, amount=accepted.contract.total, reference="回单")
    assert accepted.contract.status == "paid"


def test_reviewer_removed_from_the_role_can_no_longer_accept(p):
    app = complete_application(p.org_a, p.client_a)
    revoke_role(p.reviewer, Role.APPLICATION_REVIEWER, by=p.sysadmin)
    from tancert.people.models import User

    reviewer = User.objects.get(pk=p.reviewer.pk)  # as the next request would load it
    with pytest.raises(PermissionDenied):
        actions.accept_application(app, by=reviewer, review=REVIEW_OK)
    assert Application.objects.get(pk=app.pk).status == "submitted"


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_one_wins(p):
    from tancert.people.actions import create_staff_user

    app = complete_application(p.org_a, p.client_a)
    other = create_staff_user("reviewer2", "test-pass-123", roles=[Role.APPLICATION_REVIEWER], by=None)
    results, barrier = [], threading.Barrier(2)

    def run(user, accept):
        barrier.wait()
        try:
            if accept:
                actions.accept_application(app, by=user, review=REVIEW_OK)
            else:
                actions.reject_application(app, by=user, reason="超出范围")
            results.append("ok")
        except Exception as exc:  # the loser: a RuleViolation naming the status, or SQLite's lock error
            results.append(getattr(exc, "key", type(exc).__name__))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p.reviewer, True)), threading.Thread(target=run, args=(other, False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert Application.objects.get(pk=app.pk).status in ("accepted", "rejected")


def test_accepting_with_a_missing_document_is_refused(p, rule):
    # An application that reached "submitted" without its documents (as migrated data might).
    from datetime import date

    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    Application.objects.filter(pk=app.pk).update(status=Application.SUBMITTED)
    app.refresh_from_db()
    with rule("R7.1-D1", field="D1"):
        actions.accept_application(app, by=p.reviewer, review=REVIEW_OK)
    assert Application.objects.get(pk=app.pk).status == "submitted"


def test_partial_payments_add_up_and_only_the_full_amount_unlocks_planning(p, accepted, rule):
    from tancert.clients.contracts.actions import contract_allows_planning

    contracts.sign_contract(accepted.contract, by=p.client_a, signer_name="张三")
    half = accepted.contract.total / 2
    contracts.record_payment(accepted.contract, by=p.reviewer, amount=half, reference="第一笔")
    assert accepted.contract.status == "signed" and not contract_allows_planning(accepted)
    contracts.record_payment(accepted.contract, by=p.reviewer, amount=half, reference="第二笔")
    assert accepted.contract.status == "paid" and contract_allows_planning(accepted)
    assert accepted.contract.paid_amount == accepted.contract.total
    with rule("R7.2-contract", field="status"):
        contracts.record_payment(accepted.contract, by=p.reviewer, amount=1, reference="多付")
