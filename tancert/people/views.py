from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.people.actions import create_api_token, revoke_api_token
from tancert.ui.walls import get_or_404


@login_required
def me(request):
    return render(request, "people/me.html", {"tokens": request.user.api_tokens.filter(revoked_at__isnull=True)})


@login_required
@require_POST
def token_create(request):
    _token, secret = create_api_token(request.user, request.POST.get("name", ""), by=request.user)
    messages.success(request, _("New API token (shown only once): %(secret)s") % {"secret": secret})
    return redirect("me")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_or_404(request.user.api_tokens.filter(revoked_at__isnull=True), pk=pk)
    revoke_api_token(token, by=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("me")
