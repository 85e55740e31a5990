from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.ui.widgets import DateInput


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput)
    is_workday = forms.TypedChoiceField(label=_("The day is"), coerce=lambda v: v == "1",
                                        choices=[("0", _("a holiday (no work)")), ("1", _("a make-up working day"))])
    note = forms.CharField(label=_("Holiday or reason (e.g. 春节)"), max_length=100)
