"""Form widgets every app's forms share."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; its value is always ISO (yyyy-mm-dd), whatever the
    language, because that is the only format ``<input type="date">`` accepts."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
