"""Forms of client notices; the bounds are the actions' (TEXT_MAX)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.certificates.models import ClientNotice
from tancert.certificates.notices.actions import TEXT_MAX
from tancert.ui.widgets import DateInput


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of change or event"), choices=ClientNotice.KINDS)
    occurred_on = forms.DateField(label=_("Day it happened"), widget=DateInput)
    description = forms.CharField(label=_("What happened or changed"), max_length=TEXT_MAX, widget=forms.Textarea)


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=ClientNotice.RESOLUTIONS)
    trigger = forms.ChoiceField(label=_("Trigger"), required=False, choices=[
        ("", "—"), ("major_change", _("major change (extra surveillance)")),
        ("major_incident", _("major incident (extra surveillance)")),
        ("T1", _("T1: major defect of the CMS")), ("T2", _("T2: carbon-trading compliance not met")),
        ("T3", _("T3: penalised by an authority")), ("T4", _("T4: serious nonconformity not corrected"))])
    start = forms.DateField(label=_("Extra surveillance from"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Review (why this resolution)"), max_length=TEXT_MAX, widget=forms.Textarea)
