import uuid

from django import forms


class SubmissionKeyMixin(forms.Form):
    """A hidden one-time key per form: the row it creates carries it, so a form sent twice (a double
    click, a resent page) creates one row (`leads.services.create_once`). Mix into a Form or ModelForm."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
