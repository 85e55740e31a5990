"""Forms of the auditor register: one per action, whose fields are the action's arguments."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.people.choices import PersonChoiceField, with_roles
from tancert.people.models.auditors import (
    AuditorRecord,
    CompetenceEvaluation,
    ConflictDeclaration,
    Experience,
    Grade,
    QualificationType,
    client_organisations,
)
from tancert.scheme import rulebook


class DateInput(forms.DateInput):
    """An HTML date input: its value must be ISO (YYYY-MM-DD) whatever the UI language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput)


def _areas():
    # The area in the reader's language only (docs/i18n.md): Chinese pages show no English.
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return [("", "—")] + [(str(code), f"{code} {area.name_en if english else area.name_zh}")
                          for code, area in sorted(rulebook.TECHNICAL_AREAS.items())]


class RegistrationForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    number = forms.CharField(label=_("Registration number"), max_length=60)
    valid_from = _date(_("Valid from"))
    valid_to = _date(_("Valid to"))


class QualificationForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Qualification"), queryset=QualificationType.objects.all(),
                                  empty_label=None)
    issuer = forms.CharField(label=_("Issuer"), max_length=200)
    number = forms.CharField(label=_("Certificate number"), max_length=60)
    valid_from = _date(_("Valid from"))
    valid_to = _date(_("Valid to"))


class ExperienceForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=Experience.FIELDS)
    employer = forms.CharField(label=_("Employer"), max_length=200)
    started_on = _date(_("From"))
    ended_on = _date(_("To (empty while still going on)"), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CompetenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CompetenceEvaluation.KINDS)
    area = forms.ChoiceField(label=_("Technical area (Appendix A)"), choices=_areas, required=False)
    function = forms.ChoiceField(label=_("Function"), choices=[("", "—")] + CompetenceEvaluation.FUNCTIONS,
                                 required=False)
    evaluated_on = _date(_("Evaluated on"))
    evaluator = forms.CharField(label=_("Evaluator (empty: you)"), max_length=100, required=False)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class CpdForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), initial=lambda: timezone.localdate().year)
    content = forms.CharField(label=_("Content (empty: the body's plan for the year)"),
                              widget=forms.Textarea(attrs={"rows": 2}), required=False)
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, initial=0)
    completed_on = _date(_("Completed on (empty: planned)"), required=False)


class CompleteCpdForm(forms.Form):
    completed_on = _date(_("Completed on"))
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1)


class CpdPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), initial=lambda: timezone.localdate().year)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))


class QualificationTypeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)
    is_ghg_manager = forms.BooleanField(label=_("Counts as GHG manager (R7.3.2)"), required=False)


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relationship"), choices=ConflictDeclaration.KINDS)
    organisation = forms.ModelChoiceField(label=_("Organisation (a client in the system)"), queryset=None,
                                          required=False)
    organisation_name = forms.CharField(label=_("Or its name"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    started_on = _date(_("From"), required=False)
    ended_on = _date(_("To (empty while still going on)"), required=False)
    declared_on = _date(_("Declared on (empty: today)"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None \
            else client_organisations().none()


class UnavailabilityForm(forms.Form):
    starts_on = _date(_("From"))
    ends_on = _date(_("To"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class MonitoringForm(forms.Form):
    """A witness audit or the annual performance evaluation (CB-auditor-evaluation)."""
    kind = forms.ChoiceField(label=_("Kind"), choices=[("witness", _("witness audit")),
                                                       ("evaluation", _("annual performance evaluation"))])
    on = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=_("Audit witnessed or period evaluated"), max_length=200)
    evaluator = PersonChoiceField(label=_("Evaluator"), queryset=None, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AuditorRecord.OUTCOMES)
    basis = forms.CharField(label=_("Basis (what was observed or reviewed)"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        from tancert.people.models import User

        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = with_roles(User.objects.filter(
            organisation__isnull=True, is_active=True, role_grants__isnull=False).distinct().order_by("username"))


class TrainingForm(forms.Form):
    """A training attended (CB-training)."""
    on = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=_("Training and who gave it"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=1000, max_digits=5, decimal_places=1)
    basis = forms.CharField(label=_("Evidence of attendance"), max_length=2000, widget=forms.Textarea)
