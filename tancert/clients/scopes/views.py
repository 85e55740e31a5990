"""The scope-levels page of an application (R5.a–d): the client chooses the levels its CMS covers, the standard
of each and what each covers; everyone inside the application's wall reads them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tancert.clients.access import application_in_wall
from tancert.clients.models import Application
from tancert.clients.scopes import actions
from tancert.clients.scopes.forms import ScopeLevelsForm
from tancert.ui.actionview import perform, violation_text


@login_required
def scope_levels(request, pk: int):
    app = application_in_wall(request, pk)
    is_owner = request.user.organisation_id == app.organisation_id
    editable = is_owner and app.status in (Application.DRAFT, Application.SUPPLEMENT)
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        form = ScopeLevelsForm(request.POST)
        if form.is_valid():
            # Every level's first problem at once, on its field (the action would stop at the first).
            _chosen, problems = actions.check_levels(form.levels())
            for v in problems:
                form.add_error(v.field, violation_text(v, request.user))
            if not problems:
                ok, _rows = perform(request, actions.set_scope_levels, app, by=request.user, levels=form.levels(),
                                    form=form, success=_("Scope levels saved."))
                if ok:
                    return redirect(f"/applications/{pk}/#scope-levels")
    else:
        form = ScopeLevelsForm(initial=ScopeLevelsForm.initial_for(app))
    return render(request, "clients/scope_levels.html", {
        "app": app, "form": form, "editable": editable, "levels": actions.entries(app)})
