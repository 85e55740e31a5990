"""Registration, application, documents and acceptance (R7.1, R7.2)."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.clients import actions
from tancert.clients.models import Application, Organisation
from tancert.clients.profile import actions as profile
from tancert.records.models import Event

from flow import PDF, PNG, REVIEW_OK, code, complete_application

pytestmark = pytest.mark.django_db


def test_registration_checks_the_credit_code_and_writes_nothing_on_error(rule):
    good = code("110108MA0C0003")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    with rule("R7.1-C1", field="credit_code"):
        actions.sign_up_organisation(name="丙公司", credit_code=bad, registered_address="a", address="b",
                                      username="c", password="test-pass-123")
    assert Organisation.objects.count() == 0 and Event.objects.count() == 0
    org, user = actions.sign_up_organisation(name="丙公司", credit_code=good.lower(), registered_address="a",
                                              address="b", username="c", password="test-pass-123")
    assert org.credit_code == good and user.organisation == org
    with rule("R7.1-C1", field="credit_code"):
        actions.sign_up_organisation(name="丁公司", credit_code=good, registered_address="a", address="b",
                                      username="d", password="test-pass-123")


def test_registration_refuses_negative_employees_and_unknown_areas(rule):
    with rule("R7.3.1", field="employees"):
        actions.sign_up_organisation(name="丙", credit_code=code("110108MA0D0004"), registered_address="a", address="b",
                                      username="c", password="test-pass-123", employees=-1)
    with rule("RA", field="technical_areas"):
        actions.sign_up_organisation(name="丙", credit_code=code("110108MA0D0004"), registered_address="a", address="b",
                                      username="c", password="test-pass-123", technical_areas=["22"])


def test_cms_must_have_run_three_months(p, rule):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围",
                                     cms_started_on=timezone.localdate() - relativedelta(months=2))
    for meta in actions.rulebook.APPLICATION_DOCUMENTS:
        actions.upload_document(app, meta.code, by=p.client_a, filename="f.pdf", content=PDF,
                                document_date=timezone.localdate())
    actions.give_commitment(app, by=p.client_a, signed_by="张三", signed_on=timezone.localdate())
    with rule("R7.1-C2", field="cms_started_on"):
        actions.submit_application(app, by=p.client_a, declarant="张三", declared=True)
    with rule("R7.1-C2", field="cms_started_on"):
        actions.create_application(p.org_b, by=p.client_b, scope="范围",
                                   cms_started_on=timezone.localdate() + relativedelta(days=1))


def test_submission_refused_until_commitment_given(p, rule):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    for meta in actions.rulebook.APPLICATION_DOCUMENTS:
        actions.upload_document(app, meta.code, by=p.client_a, filename="f.pdf", content=PDF,
                                document_date=timezone.localdate())
    with rule("R7.1-C5", field="commitment"):
        actions.submit_application(app, by=p.client_a, declarant="张三", declared=True)
    with rule("R7.1-C5", field="signed_by"):
        actions.give_commitment(app, by=p.client_a, signed_by=" ", signed_on=timezone.localdate())


def test_industry_code_and_requirement_are_chosen_from_the_lists(p, rule):
    with rule("RA", field="industry_code"):
        actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1),
                                   industry_code=22)
    with rule("R3", field="industry_requirement"):  # typed, or of another industry: refused
        actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1),
                                   industry_code=7, industry_requirement="GB/T 32151.8-2023 水泥")
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1),
                                     industry_code="7", industry_requirement="GB/T 32151.10-2015 化工")
    assert app.industry_code == 7 and app.industry_label.startswith("7 ")
    with rule("R3", field="industry_requirement"):
        profile.update_application(app, by=p.client_a, industry_code=10)


def test_missing_document_blocks_submission(p, rule):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    actions.give_commitment(app, by=p.client_a, signed_by="张三", signed_on=timezone.localdate())
    for meta in actions.rulebook.APPLICATION_DOCUMENTS:
        if meta.code not in ("D4", "D11"):
            actions.upload_document(app, meta.code, by=p.client_a, filename="f.pdf", content=PDF,
                                    document_date=timezone.localdate())
    actions.mark_document_not_applicable(app, "D4", by=p.client_a, reason="本组织无需额外行政许可")
    with rule("R7.1-D11", field="D11"):
        actions.submit_application(app, by=p.client_a, declarant="张三", declared=True)
    # The carbon baseline is required by the scheme: it cannot be waived, whatever the reason.
    with rule("R7.1-D11", field="code"):
        actions.mark_document_not_applicable(app, "D11", by=p.client_a, reason="已在 D10 中提供")
    actions.upload_document(app, "D11", by=p.client_a, filename="f.pdf", content=PDF)
    # The industry (Appendix A) decides the audit team's technical area (R7.3.2): no submission without it.
    with rule("RA", field="industry_code"):
        actions.submit_application(app, by=p.client_a, declarant="张三", declared=True)
    profile.update_application(app, by=p.client_a, industry_code="7")
    actions.submit_application(app, by=p.client_a, declarant="张三", declared=True)
    assert app.status == Application.SUBMITTED


def test_upload_checks_content_not_extension_and_keeps_versions(p, rule):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    with rule("R7.1-D3", field="file"):
        actions.upload_document(app, "D3", by=p.client_a, filename="manual.pdf", content=b"MZ\x90\x00 not a pdf")
    with rule("R7.1-D3", field="file"):
        actions.upload_document(app, "D3", by=p.client_a, filename="empty.pdf", content=b"")
    assert app.documents.count() == 0
    first = actions.upload_document(app, "D3", by=p.client_a, filename="manual.pdf", content=PDF)
    second = actions.upload_document(app, "D3", by=p.client_a, filename="manual-v2.png", content=PNG)
    assert (first.version, second.version) == (1, 2)
    assert first.file.read() == PDF  # the earlier version is never destroyed
    assert app.current_documents()["D3"].pk == second.pk


def test_upload_size_limit(p, rule, settings):
    settings.TANCERT_MAX_UPLOAD_BYTES = 100
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    with rule("R7.1-D2", field="file"):
        actions.upload_document(app, "D2", by=p.client_a, filename="big.pdf", content=PDF + b"0" * 200)


def test_credit_screenshot_needs_its_date(p, rule):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    with rule("R7.1-D5", field="document_date"):
        actions.upload_document(app, "D5", by=p.client_a, filename="credit.png", content=PNG)


def test_not_applicable_needs_a_reason(p, rule):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    with rule("R7.1-D4", field="reason"):
        actions.mark_document_not_applicable(app, "D4", by=p.client_a, reason="  ")


def test_client_of_b_cannot_touch_application_of_a(p):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        actions.upload_document(app, "D1", by=p.client_b, filename="f.pdf", content=PDF)
    with pytest.raises(PermissionDenied):
        actions.create_application(p.org_a, by=p.client_b, scope="x", cms_started_on=date(2025, 1, 1))


def test_submission_sets_three_working_day_deadline(p):
    app = complete_application(p.org_a, p.client_a)
    assert app.review_deadline == actions.acceptance_deadline(timezone.localdate())
    ev = Event.objects.filter(action="application.submitted").get()
    assert ev.data["deadline"] == app.review_deadline.isoformat()


def test_deadline_skips_spring_festival_2026():
    # Friday 2026-02-13 → Sat 14th is a make-up working day, 15th–23rd holiday → 24th, 25th.
    assert actions.acceptance_deadline(date(2026, 2, 13)) == date(2026, 2, 25)


def test_supplement_stops_the_clock_and_allows_changes(p, rule):
    app = complete_application(p.org_a, p.client_a)
    with rule("R7.2-supplement", field="missing"):
        actions.request_supplement(app, by=p.reviewer, missing="")
    actions.request_supplement(app, by=p.reviewer, missing="请补充 D10 碳评审报告的签字页")
    app.refresh_from_db()
    assert app.status == Application.SUPPLEMENT and app.review_deadline is None
    actions.upload_document(app, "D10", by=p.client_a, filename="d10.pdf", content=PDF)
    actions.submit_application(app, by=p.client_a, declarant="张三", declared=True)
    assert app.status == Application.SUBMITTED and app.review_deadline is not None


def test_documents_are_frozen_while_under_review(p, rule):
    app = complete_application(p.org_a, p.client_a)
    with rule("R7.2-supplement", field="status"):
        actions.upload_document(app, "D1", by=p.client_a, filename="f.pdf", content=PDF)


def test_accept_needs_all_three_review_answers(p, rule):
    app = complete_application(p.org_a, p.client_a)
    with rule("R7.2-review", field="competent"):
        actions.accept_application(app, by=p.reviewer, review={"described": True, "understands": True})
    actions.accept_application(app, by=p.reviewer, review=REVIEW_OK, reason="资料齐全")
    app.refresh_from_db()
    assert app.status == Application.ACCEPTED and app.review["reviewer"] == "reviewer"
    ev = Event.objects.filter(action="application.accepted").get()
    assert ev.data["late"] is False


def test_late_acceptance_is_recorded_as_late(p):
    app = complete_application(p.org_a, p.client_a)
    Application.objects.filter(pk=app.pk).update(review_deadline=date(2020, 1, 1))
    app.refresh_from_db()
    actions.accept_application(app, by=p.reviewer, review=REVIEW_OK)
    ev = Event.objects.filter(action="application.accepted").get()
    assert ev.data["late"] is True and "超过" in ev.summary


def test_not_accepting_needs_reasons(p, rule):
    app = complete_application(p.org_a, p.client_a)
    with rule("R7.2-review", field="reason"):
        actions.reject_application(app, by=p.reviewer, reason="")
    actions.reject_application(app, by=p.reviewer, reason="超出本机构认可范围")
    assert Application.objects.get(pk=app.pk).status == Application.REJECTED


def test_only_reviewers_review(p):
    app = complete_application(p.org_a, p.client_a)
    for user in (p.client_a, p.planner, p.decider):
        with pytest.raises(PermissionDenied):
            actions.accept_application(app, by=user, review=REVIEW_OK)


@pytest.mark.parametrize("key", ["R7.1-D1", "R7.1-D2", "R7.1-D3", "R7.1-D4", "R7.1-D5", "R7.1-D6", "R7.1-D7",
                                 "R7.1-D8", "R7.1-D9", "R7.1-D10", "R7.1-D11"])
def test_each_missing_document_blocks_submission_with_its_key(p, rule, key):
    missing = key.split("-")[1]
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    actions.give_commitment(app, by=p.client_a, signed_by="张三", signed_on=timezone.localdate())
    for meta in actions.rulebook.APPLICATION_DOCUMENTS:
        if meta.code != missing:
            actions.upload_document(app, meta.code, by=p.client_a, filename="f.pdf", content=PDF,
                                    document_date=timezone.localdate())
    with rule(key, field=missing):
        actions.submit_application(app, by=p.client_a, declarant="张三", declared=True)


def test_one_open_application_at_a_time(p, rule):
    actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    with rule("R7.1", field="kind"):
        actions.create_application(p.org_a, by=p.client_a, scope="范围2", cms_started_on=date(2025, 1, 1))


def test_uploading_several_documents_is_all_or_nothing(p, rule):
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    with rule("R7.1-D5", field="document_date"):
        actions.upload_documents(app, {"D1": ("a.pdf", PDF, None), "D5": ("b.png", PNG, None)}, by=p.client_a)
    assert app.documents.count() == 0
    docs = actions.upload_documents(app, {"D1": ("a.pdf", PDF, None), "D5": ("b.png", PNG, timezone.localdate())},
                                    by=p.client_a)
    assert [d.code for d in docs] == ["D1", "D5"]


def test_upload_all_form_uploads_every_chosen_file(client, p):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    client.force_login(p.client_a)
    response = client.post(f"/applications/{app.pk}/documents/upload-all/", {
        "file_D1": SimpleUploadedFile("d1.pdf", PDF), "file_D2": SimpleUploadedFile("d2.pdf", PDF)})
    assert response.status_code == 302
    assert sorted(app.current_documents()) == ["D1", "D2"]


def test_after_a_withdrawal_acceptance_needs_the_rectification(p, rule):
    """RT-withdrawn: the body withdrew the organisation's certificate; its new application is accepted only
    with the thorough rectification stated by the reviewer."""
    from tancert.certificates import actions as certs

    from flow import certify

    cert = certify(complete_application(p.org_a, p.client_a), p)
    certs.withdraw_certificate(cert, by=p.decider, reason="监督审核发现严重不符合且未整改")
    again = complete_application(p.org_a, p.client_a)
    with rule("RT-withdrawn", field="reason") as info:
        actions.accept_application(again, by=p.reviewer, review=REVIEW_OK)
    assert cert.number in info.value.message_zh
    assert Application.objects.get(pk=again.pk).status == Application.SUBMITTED
    actions.accept_application(again, by=p.reviewer, review=REVIEW_OK,
                               reason="组织已彻底整改：重新建立碳基准并通过内审，导致撤销的情形已消除")
    assert Application.objects.get(pk=again.pk).status == Application.ACCEPTED


def test_the_criterion_is_the_standard(p, rule):
    with rule("R3", field="criterion"):
        actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1),
                                   criterion="ISO 14064-1")
    app = actions.create_application(p.org_a, by=p.client_a, scope="范围", cms_started_on=date(2025, 1, 1))
    assert app.criterion == "T/CCAA 39-2022"


def test_a_recertification_is_not_picked_by_hand(p, rule, client):
    # R9.3-renewal: a recertification comes from a certificate in force (its page, within 90 days of expiry);
    # picked on the application form or through the API it would plan a recertification audit without one.
    with rule("R9.3-renewal", field="kind"):
        actions.create_application(p.org_a, by=p.client_a, scope="范围", kind=Application.RECERTIFICATION,
                                   cms_started_on=timezone.localdate() - relativedelta(months=6))
    assert not Application.objects.exists() and not Event.objects.filter(action="application.created").exists()
    client.force_login(p.client_a)
    page = client.get("/applications/new/").content.decode()
    assert 'value="recertification"' not in page and 'value="initial"' in page
