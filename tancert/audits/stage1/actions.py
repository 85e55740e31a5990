"""The stage 1 record (R7.4.1-S1): what the team found in stage 1 and agreed for stage 2."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, OfflineReceipt
from tancert.audits.models.stage1 import Stage1DocumentReview, Stage1Record
from tancert.audits.offline import receipts
from tancert.records import chain
from tancert.scheme.violations import RuleViolation, require

KEY = "R7.4.1-S1"


def submitted_documents(audit: Audit) -> dict:
    """The latest version of each application document D1–D11 (the ones stage 1 reviews), by code."""
    latest = {}
    if audit.application_id:
        for doc in audit.application.documents.order_by("code", "version"):
            latest[doc.code] = doc
    return dict(sorted(latest.items(), key=lambda kv: int(kv[0][1:])))


def record_for(audit: Audit) -> Stage1Record | None:
    return Stage1Record.objects.filter(audit=audit).first()


def save_stage1_record(audit: Audit, *, by, version: int, reviews: dict | None = None, ready_for_stage2=None,
                       uuid=None, **texts) -> Stage1Record:
    """Save (part of) the stage 1 record. reviews: {"D1": {"result", "note"}}; texts: Stage1Record.TEXT_FIELDS.
    ``uuid``: the device's key of a save made offline — sent again, it changes nothing (offline/receipts.py)."""
    if not (by.is_authenticated and audit.team.filter(user=by).exists()):
        raise PermissionDenied(_("Only members of this audit team can do this."))
    key = receipts.key_of(uuid, KEY)
    done = receipts.replayed(key, kind=OfflineReceipt.STAGE1, audit=audit, by=by, model=Stage1Record, rule=KEY)
    if done is not None:
        return done
    require(audit.kind == Audit.STAGE1, KEY, _("Only a stage 1 audit has a stage 1 record."), field="kind")
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), KEY,
            _("Stage 1 is closed; its record can no longer change."), field="status")
    unknown = set(texts) - set(Stage1Record.TEXT_FIELDS)
    require(not unknown, KEY, _("Unknown field of the stage 1 record."), field=sorted(unknown)[0] if unknown else None)
    docs = submitted_documents(audit)
    results = dict(Stage1DocumentReview.RESULTS)
    for code, review in (reviews or {}).items():
        require(code in docs, KEY, _("Document %(code)s was not submitted with the application."),
                field=f"reviews.{code}", params={"code": code})
        require((review or {}).get("result") in results, KEY,
                _("Give the review result of document %(code)s."), field=f"reviews.{code}", params={"code": code})
        if review["result"] == Stage1DocumentReview.INADEQUATE:
            require(bool((review.get("note") or "").strip()), KEY,
                    _("Say what is missing in document %(code)s."), field=f"reviews.{code}",
                    params={"code": code})
    with transaction.atomic():
        record, _created = Stage1Record.objects.select_for_update().get_or_create(audit=audit)
        if int(version) != record.version:
            raise RuleViolation(KEY, _("Not saved: %(who)s saved the stage 1 record in the meantime (version "
                                       "%(version)s). Reload the page and enter your changes again."),
                                field="version", params={"who": record.updated_by.get_full_name()
                                                         if record.updated_by else "", "version": record.version})
        for name, value in texts.items():
            setattr(record, name, (value or "").strip())
        if ready_for_stage2 is not None:
            record.ready_for_stage2 = bool(ready_for_stage2)
        record.version += 1
        record.updated_by, record.updated_at = by, timezone.now()
        record.save()
        for code, review in (reviews or {}).items():
            Stage1DocumentReview.objects.update_or_create(
                record=record, code=code,
                defaults={"document": docs[code], "result": review["result"],
                          "note": (review.get("note") or "").strip()})
        if audit.status == Audit.PLANNED:
            audit.status = Audit.IN_PROGRESS
            audit.save(update_fields=["status"])
        receipts.keep(key, kind=OfflineReceipt.STAGE1, audit=audit, by=by, obj=record)
        chain.append("stage1.recorded", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"保存第一阶段审核记录（第 {record.version} 版）"
                             + (f"，文件评审 {len(reviews)} 份" if reviews else ""),
                     data={"texts": {k: (v or "").strip() for k, v in texts.items()},
                           "ready_for_stage2": record.ready_for_stage2,
                           "reviews": {c: {"result": r["result"], "note": (r.get("note") or "").strip(),
                                           "document_version": docs[c].version} for c, r in (reviews or {}).items()}})
    return record


def check_complete(audit: Audit) -> None:
    """Stage 1 cannot be closed before its record is complete (R7.4.1-S1); names the first gap."""
    record = record_for(audit)
    require(record is not None, KEY, _("Fill in the stage 1 record before closing stage 1."), field="stage1")
    reviewed = set(record.document_reviews.values_list("code", flat=True))
    for code in submitted_documents(audit):
        require(code in reviewed, KEY, _("Record the review result of document %(code)s."),
                field=f"reviews.{code}", params={"code": code})
    for name in Stage1Record.TEXT_FIELDS:
        require(bool(getattr(record, name).strip()), KEY, _("Fill in “%(label)s” of the stage 1 record."),
                field=name, params={"label": str(Stage1Record._meta.get_field(name).verbose_name)})
    require(record.ready_for_stage2 is not None, KEY, _("State whether the organisation is ready for stage 2."),
            field="ready_for_stage2")
    if audit.offsite:
        require(bool(audit.offsite_reason.strip()), "R7.4.1-S1-offsite",
                _("Stage 1 off site needs one of the conditions O1–O3 stated as the reason."),
                field="offsite_reason")


def key_points(application) -> Stage1Record | None:
    """Stage 1's record of the application (for the stage 2 page and report)."""
    if application is None:
        return None
    return (Stage1Record.objects.filter(audit__application=application, audit__kind=Audit.STAGE1)
            .exclude(audit__status=Audit.CANCELLED).order_by("-audit__start_date").first())


RESULT_ZH = {Stage1DocumentReview.ADEQUATE: "充分", Stage1DocumentReview.INADEQUATE: "需在第二阶段前改进",
             Stage1DocumentReview.NOT_APPLICABLE: "不适用"}


def report_section(audit: Audit) -> dict | None:
    """The stage 1 part of the audit report, in Chinese (R7.4.1-S1, R7.5.1): the review of each document the
    client submitted (D1–D11, the version reviewed, result and comment), the readiness for stage 2, the issues
    to resolve before it (documents to improve, open findings) and what was agreed for stage 2."""
    if audit.kind != Audit.STAGE1:
        return None
    from tancert.scheme.rulebook import APPLICATION_DOCUMENTS

    names = {d.code: d.name_zh for d in APPLICATION_DOCUMENTS}
    record = record_for(audit)
    reviews = {r.code: r for r in record.document_reviews.select_related("document")} if record else {}
    docs = []
    for code, doc in submitted_documents(audit).items():
        r = reviews.get(code)
        reviewed = r.document if r is not None and r.document_id else doc
        docs.append({
            "code": code, "name": names.get(code, code),
            "file": ("不适用：" + reviewed.not_applicable_reason) if reviewed.is_not_applicable
            else f"第 {reviewed.version} 版 {reviewed.original_name}",
            "newer": r is not None and r.document_id is not None and r.document_id != doc.pk,
            "result": RESULT_ZH.get(r.result, "") if r else "未评审", "note": r.note if r else ""})
    issues = [f"{d['code']} {d['name']}：{d['note'] or d['result']}" for d in docs if d["result"] in
              (RESULT_ZH[Stage1DocumentReview.INADEQUATE], "未评审")]
    issues += [f"审核发现 #{f.number}（{f.get_grade_display()}）：{f.description}"
               for f in audit.findings.order_by("number") if not f.is_resolved]
    ready = None if record is None else record.ready_for_stage2
    texts = {name: getattr(record, name) if record else "" for name in Stage1Record.TEXT_FIELDS}
    return {"documents": docs, "ready": {True: "具备进入第二阶段审核的条件", False: "尚不具备进入第二阶段审核的条件",
                                         None: "审核组尚未作出结论"}[ready],
            "ready_code": ready, "issues": issues, **texts}
