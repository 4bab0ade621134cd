"""The sign-in and password-change forms, with every field bounded.

Django's `AuthenticationForm` tells the browser the username's length limit but does not check it,
so an over-long username went on to the lockout's table (255 characters) and failed there with a
500. Passwords are bounded too: hashing megabytes of "password" is work nobody should get to order.
The fields keep Django's labels, help texts and translations; only the limit is added.
"""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator

USERNAME_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length  # 150
PASSWORD_MAX_LENGTH = 4096


def _bound(form, limits: dict[str, int]) -> None:
    for name, max_length in limits.items():
        field = form.fields[name]  # each form instance has its own copies of the fields
        field.max_length = max_length
        field.validators.append(MaxLengthValidator(max_length))
        field.widget.attrs["maxlength"] = str(max_length)


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound(self, {"username": USERNAME_MAX_LENGTH, "password": PASSWORD_MAX_LENGTH})


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound(self, dict.fromkeys(["old_password", "new_password1", "new_password2"], PASSWORD_MAX_LENGTH))
