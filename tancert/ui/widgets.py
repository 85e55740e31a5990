"""Form widgets every app's forms use."""

from django import forms


class DateInput(forms.DateInput):
    """An HTML date input; the value must be ISO (YYYY-MM-DD) whatever the UI language, or the browser shows it empty."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")
