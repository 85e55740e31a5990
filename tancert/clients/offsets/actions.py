"""Registering an event's retired offsets (R5.d, docs/events.md): every serial the event engine counted is
recorded once for the whole platform; a serial already registered — by this organisation or another — refuses
the whole registration (nothing is written), and the unique constraint refuses a concurrent double."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tancert.clients.offsets.models import RetiredOffset
from tancert.records import chain
from tancert.scheme.violations import RuleViolation, require

USED = _("Serial %(serials)s has already been used to offset an event on this platform; a retired unit offsets "
         "once. Remove it from the workbook.")


def normalise(serial: str) -> str:
    return "".join(serial.split()).upper()


def register_event_offsets(organisation, *, by, result, content: bytes) -> list[RetiredOffset]:
    """Record the offsets an event check counted (tancert/events/engine.py) for the client's own organisation."""
    if not (by.is_client and by.organisation_id == organisation.pk):
        raise PermissionDenied(_("Only the organisation itself registers the offsets of its event."))
    counted = [o for o in result.offsets if o["counted"]]
    require(bool(counted), "R5.d", _("The workbook has no retired offset that counts; nothing was registered."),
            field="file")
    keys = {normalise(o["serial"]): o for o in counted}
    with transaction.atomic():
        taken = sorted(RetiredOffset.objects.filter(serial__in=list(keys)).values_list("serial_as_given", flat=True))
        require(not taken, "R5.d", USED, field="file", params={"serials": "、".join(taken)[:300]})
        sha = hashlib.sha256(content).hexdigest()
        rows = [RetiredOffset(serial=k, serial_as_given=o["serial"], kind=o["type"], vintage=o["vintage"],
                              tco2e=o["tco2e"], event_name=result.event.name[:200], organisation=organisation,
                              registered_by=by, workbook_sha256=sha) for k, o in keys.items()]
        try:
            with transaction.atomic():
                rows = RetiredOffset.objects.bulk_create(rows)
        except IntegrityError:  # a concurrent registration of the same serial won the race
            raise RuleViolation("R5.d", USED, field="file", params={"serials": "、".join(o["serial"] for o in counted)[:300]}
                                ) from None
        total = sum(r.tco2e for r in rows)
        chain.append("organisation.event_offsets_registered", subject=organisation, by=by, organisation=organisation,
                     summary=f"登记活动“{result.event.name[:60]}”的碳中和抵销 {len(rows)} 项，共 {total:,.3f} tCO2e",
                     data={"event": result.event.name, "workbook_sha256": sha, "serials": [r.serial for r in rows],
                           "tco2e": total})
    return rows
