from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import permissions
from accounts.forms import LoginForm, PasswordChangeForm
from accounts.permissions import allowed

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        allowed(permissions.is_signed_in)(
            auth_views.PasswordChangeView.as_view(
                form_class=PasswordChangeForm,
                template_name="registration/password_change_form.html",
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        allowed(permissions.is_signed_in)(
            auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")
        ),
        name="password_change_done",
    ),
]
