"""The scope-levels form: for each level beyond the organisation, whether the CMS covers it, the standard chosen
and what it covers (R5.b–d). The form only carries the input; the rules are scheme/levels.check."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tancert.scheme import levels as catalogue

COVERS = {"product": _("Products covered (one per line)"), "project": _("Emission-reduction projects covered (one per "
                                                                          "line)"),
          "activity": _("Events covered (one per line)")}
LEVEL = {"product": _("Product level"), "project": _("Project level"), "activity": _("Activity (event) level")}
COVERED = {"product": _("Our CMS covers the product level (product carbon footprints)"),
           "project": _("Our CMS covers the project level (project emission reductions)"),
           "activity": _("Our CMS covers the activity level (events and their carbon neutrality)")}


def standard_choices(level: str):
    def choices():
        english = (get_language() or "").startswith("en")
        out = [("", "—")]
        for s in catalogue.catalogue()[level].standards:
            if s.named:
                out.append((s.code, catalogue.NAMED_LABELS[s.named][0]))
            else:
                out.append((s.code, s.label_en() if english else s.label_zh()))
        return out
    return choices


class ScopeLevelsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in catalogue.OPTIONAL:
            self.fields[level] = forms.BooleanField(label=COVERED[level], required=False)
            # The level in each label: the error list at the top names the field without its fieldset.
            self.fields[f"{level}_standard"] = forms.ChoiceField(label=format_lazy("{}：{}", LEVEL[level],
                                                                                   _("Quantification standard")),
                                                                 choices=standard_choices(level), required=False)
            self.fields[f"{level}_standard_name"] = forms.CharField(
                label=format_lazy("{}：{}", LEVEL[level], _("Designation and title of the standard you name")),
                required=False,
                max_length=catalogue.MAX_TEXT)
            self.fields[f"{level}_covers"] = forms.CharField(label=COVERS[level], required=False,
                                                             widget=forms.Textarea(attrs={"rows": 3}))

    def level_fields(self):
        """(level, its four bound fields) for the template, one fieldset per level."""
        return [(level, [self[level], self[f"{level}_standard"], self[f"{level}_standard_name"],
                         self[f"{level}_covers"]]) for level in catalogue.OPTIONAL]

    def levels(self) -> dict:
        d = self.cleaned_data
        return {level: {"standard": d.get(f"{level}_standard") or "", "standard_name": d.get(f"{level}_standard_name")
                        or "", "covers": d.get(f"{level}_covers") or ""}
                for level in catalogue.OPTIONAL if d.get(level)}

    @classmethod
    def initial_for(cls, app) -> dict:
        initial = {}
        for row in app.scope_levels.all():
            initial.update({row.level: True, f"{row.level}_standard": row.standard,
                            f"{row.level}_standard_name": row.standard_name,
                            f"{row.level}_covers": "\n".join(row.covers)})
        return initial
