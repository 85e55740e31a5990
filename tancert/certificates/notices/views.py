"""Pages of client notices (thin: forms → actions; docs/obligations.md): the holder notifies on its certificate;
the programme manager reviews and resolves each notice; both see the list and each notice's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.certificates.access import certificates_for
from tancert.certificates.models import ClientNotice
from tancert.certificates.notices import actions
from tancert.certificates.notices.access import notices_for
from tancert.certificates.notices.forms import NoticeForm, ResolveForm
from tancert.people.models import Role
from tancert.ui.actionview import perform, perform_form
from tancert.ui.walls import get_or_404


@login_required
def notices(request):
    qs = notices_for(request.user)
    state = request.GET.get("state", "")
    if state in dict(ClientNotice.STATES):
        qs = qs.filter(state=state)
    held = certificates_for(request.user).filter(status__in=actions.NOTIFIABLE)[:50] if request.user.is_client else ()
    return render(request, "certificates/notices/list.html", {
        "notices": qs[:500], "state": state, "states": ClientNotice.STATES, "held": held})


@login_required
def notice_new(request, pk: int):
    """The holder notifies the body of a change or serious event on its certificate (CB-notice-lodge)."""
    cert = get_or_404(certificates_for(request.user), pk=pk)
    if not (request.user.is_client and request.user.organisation_id == cert.organisation_id):
        raise PermissionDenied
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, result = perform(request, actions.lodge_notice, cert, by=request.user, form=form,
                             success=_("Your notice was sent to the certification body."), **form.cleaned_data)
        if ok:
            return redirect("notice", pk=result.pk)
    return render(request, "certificates/notices/new.html", {"cert": cert, "form": form})


@login_required
def notice(request, pk: int):
    n = get_or_404(notices_for(request.user), pk=pk)
    return render(request, "certificates/notices/notice.html", {
        "notice": n, "form": ResolveForm(),
        "can_resolve": request.user.has_role(Role.PROGRAMME_MANAGER) and n.state == ClientNotice.RECEIVED})


@login_required
@require_POST
def notice_resolve(request, pk: int):
    n = get_or_404(notices_for(request.user), pk=pk)
    perform_form(request, ResolveForm, actions.resolve_notice, n, by=request.user, success=_("Saved."),
                 invalid=_("Please correct the form."))
    return redirect("notice", pk=n.pk)
