"""The add / edit form of a code list entry (car model, colour, source channel, defeat reason)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from leads.models import CodeList

DUPLICATE_NAME = _("This name is already in the list (perhaps deactivated): reactivate that entry instead.")
DUPLICATE_CODE = _("This code is already in the list (perhaps deactivated): reactivate that entry instead.")


class CodeListEntryForm(forms.ModelForm):
    """Name (and code, for channels) and sort order; active is switched by its own action.
    `form_for(model)` gives the form of one list."""

    def _refuse_taken(self, field: str, message) -> str:
        value = self.cleaned_data[field].strip()
        # The unique index compares exactly; "Red" and "red " are the same colour to a person.
        taken = self._meta.model.objects.filter(**{f"{field}__iexact": value}).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(message, code="unique")
        return value

    def clean_name(self) -> str:
        return self._refuse_taken("name", DUPLICATE_NAME)

    def clean_code(self) -> str:
        return self._refuse_taken("code", DUPLICATE_CODE).upper()


def form_for(model: type[CodeList]) -> type[CodeListEntryForm]:
    """The entry form of `model`: with the code first when the list has codes (channels A–J)."""
    fields = ["code", "name", "sort_order"] if has_code(model) else ["name", "sort_order"]
    meta = type("Meta", (), {
        "model": model,
        "fields": fields,
        "error_messages": {"name": {"unique": DUPLICATE_NAME}, "code": {"unique": DUPLICATE_CODE}},
    })
    return type(f"{model.__name__}Form", (CodeListEntryForm,), {"Meta": meta})


def has_code(model: type[CodeList]) -> bool:
    return any(field.name == "code" for field in model._meta.fields)
