"""The stage 1 record (R7.4.1-S1): what the team found in stage 1 and agreed for stage 2."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.audits.models.stage1 import Stage1DocumentReview, Stage1Record
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
                       **texts) -> Stage1Record:
    """Save (part of) the stage 1 record. reviews: {"D1": {"result", "note"}}; texts: Stage1Record.TEXT_FIELDS."""
    if not (by.is_authenticated and audit.team.filter(user=by).exists()):
        raise PermissionDenied(_("Only members of this audit team can do this."))
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
