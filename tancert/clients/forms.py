from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.clients.models import Application, HeldCertification
from tancert.scheme import industry, rulebook
from tancert.ui.widgets import DateInput


def industry_choices():
    """Appendix A (RA): the client's industry decides the technical area the audit team covers (R7.3.2)."""
    return [("", "—")] + [(str(code), f"{code} {area.name_zh}") for code, area in rulebook.TECHNICAL_AREAS.items()]


def _industry_code(required: bool):
    return forms.ChoiceField(label=_("Industry (Appendix A technical area)"), choices=industry_choices,
                             required=required)


def _industry_requirement():
    # R3: chosen from the reference's industry accounting guidelines, never typed (scheme/industry.py).
    return forms.ChoiceField(label=_("Applicable industry requirement (if any)"), choices=industry.choices,
                             required=False)


class ApplicationForm(forms.Form):
    # A recertification starts from the certificate's page (R9.3-renewal), not here (clients/actions.py).
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, label) for k, label in Application.KINDS
                                                        if k != Application.RECERTIFICATION],
                             initial=Application.INITIAL)
    scope = forms.CharField(label=_("Scope of the carbon management system"), widget=forms.Textarea)
    cms_started_on = forms.DateField(label=_("The CMS has been running since"), widget=DateInput)
    industry_code = _industry_code(required=True)
    industry_requirement = _industry_requirement()


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, image, Word or Excel)"))
    document_date = forms.DateField(label=_("Date of the document"), required=False, widget=DateInput)


class NotApplicableForm(forms.Form):
    reason = forms.CharField(label=_("Why this document does not apply"), widget=forms.Textarea)


class CommitmentForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed by (name and position)"), max_length=100)
    signed_on = forms.DateField(label=_("Date"), widget=DateInput)


class SupplementForm(forms.Form):
    missing = forms.CharField(label=_("What the client must supplement"), widget=forms.Textarea)


class ReviewForm(forms.Form):
    described = forms.BooleanField(label=_("The organisation and its CMS are sufficiently described"),
                                   required=False)
    understands = forms.BooleanField(label=_("The organisation understands the certification requirements"),
                                     required=False)
    competent = forms.BooleanField(label=_("The body has the competence and resources to certify it"),
                                   required=False)
    reason = forms.CharField(label=_("Reasons / remarks"), widget=forms.Textarea, required=False)


class ApplicationDetailsForm(forms.Form):
    scope = forms.CharField(label=_("Scope of the carbon management system"), widget=forms.Textarea(attrs={"rows": 3}))
    cms_started_on = forms.DateField(label=_("The CMS has been running since"), widget=DateInput)
    industry_code = _industry_code(required=False)
    industry_requirement = _industry_requirement()
    licences_applicable = forms.BooleanField(label=_("Administrative licences are required by law for us"),
                                             required=False)
    licences = forms.CharField(label=_("Licences held (name, number, validity)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    compliance_applicable = forms.BooleanField(
        label=_("The competent authorities set carbon-management requirements for us"), required=False)
    compliance_info = forms.CharField(label=_("How we comply with them"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    simple_process = forms.BooleanField(label=_("Our technology is evident and our processes simple"), required=False)
    simple_process_grounds = forms.CharField(label=_("Grounds"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    significant_sources = forms.IntegerField(label=_("Number of significant emission sources"), required=False,
                                             min_value=0)
    process_emissions = forms.BooleanField(label=_("We have process emissions (carbonates, chemical reactions)"),
                                           required=False)
    continuous_measurement_systems = forms.IntegerField(label=_("Continuous emission measurement systems (CEMS)"),
                                                        required=False, min_value=0)
    base_year = forms.IntegerField(label=_("Base year"), required=False)
    baseline_emissions = forms.DecimalField(label=_("Baseline emissions (tCO2e)"), required=False)


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Site name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    kind = forms.ChoiceField(label=_("Site type"), choices=[("permanent", _("permanent")), ("temporary", _("temporary"))])


class HeldCertificationForm(forms.Form):
    standard = forms.ChoiceField(label=_("Management system"), choices=HeldCertification.STANDARDS)
    number = forms.CharField(label=_("Certificate number"), max_length=60)
    issuer = forms.CharField(label=_("Certification body"), max_length=200)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)


class CarbonMarketYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    market = forms.CharField(label=_("Carbon market (national or pilot)"), max_length=100)
    verified = forms.BooleanField(label=_("Passed third-party verification"), required=False)
    verifier = forms.CharField(label=_("Verification body"), max_length=200, required=False)


class TargetForm(forms.Form):
    indicator = forms.CharField(label=_("Indicator"), max_length=200)
    kind = forms.ChoiceField(label=_("Target type"), choices=[("absolute", _("absolute emissions")),
                                                        ("intensity", _("emission intensity"))])
    unit = forms.CharField(label=_("Unit"), max_length=40)
    baseline_value = forms.DecimalField(label=_("Baseline value"))
    target_value = forms.DecimalField(label=_("Target value"))
    target_year = forms.IntegerField(label=_("Target year"))


class ActionPlanForm(forms.Form):
    title = forms.CharField(label=_("Measure"), max_length=200)
    responsible = forms.CharField(label=_("Responsible"), max_length=100)
    due = forms.DateField(label=_("Due"), widget=DateInput)
    expected_reduction = forms.DecimalField(label=_("Expected reduction (tCO2e/a)"), required=False)


class SignContractForm(forms.Form):
    signer_name = forms.CharField(label=_("Signed for the organisation by (name and position)"), max_length=100)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (yuan)"), min_value=0)
    reference = forms.CharField(label=_("Payment reference"), max_length=100)
