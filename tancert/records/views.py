from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.records import chain, uploads
from tancert.records.actions import attach_signed_original
from tancert.records.listing import RECORDS
from tancert.records.models import Event
from tancert.ui import lists
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404


@login_required
def records(request):
    if not request.user.is_office:
        raise PermissionDenied
    return lists.page(request, RECORDS, Event.objects.all(), "records/records.html", {"result": chain.verify()})


@login_required
def records_export(request):
    if not request.user.is_office:
        raise PermissionDenied
    return lists.export(request, RECORDS, Event.objects.all())


@login_required
def event(request, seq: int):
    if not request.user.is_office:
        raise PermissionDenied
    ev = get_or_404(Event.objects.all(), seq=seq)
    return render(request, "records/event.html", {"ev": ev, "originals": ev.originals.all()})


@login_required
@require_POST
def attach(request, seq: int):
    ev = get_or_404(Event.objects.all(), seq=seq)
    upload = request.FILES.get("file")
    if upload is None:
        from django.contrib import messages

        messages.error(request, _("Choose the scanned file."))
        return redirect("event", seq)
    perform(request, attach_signed_original, ev, by=request.user, filename=upload.name, content=uploads.read(upload),
            kept_at=request.POST.get("kept_at", ""), success=_("Scan attached."))
    return redirect("event", seq)
