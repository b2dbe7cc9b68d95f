"""URLs of the core app: public pages, accounts and each organisation's staff area."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import accounts, keys, open_data, public, staff

app_name = "core"

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    path("readyz", public.readyz, name="readyz"),
    # The installation's public signing keys (core.signing.JWKS_PATH)
    path(".well-known/jwks.json", keys.jwks, name="jwks"),
    # Accounts
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/sent/", accounts.signup_sent, name="signup_sent"),
    path(
        "accounts/signup/<uidb64>/<token>/",
        accounts.SignupConfirmView.as_view(),
        name="signup_confirm",
    ),
    path("accounts/", accounts.account, name="account"),
    path("accounts/delete/", accounts.account_delete, name="account_delete"),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("core:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("core:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("core:account")),
        name="password_change",
    ),
    # A city's public pages
    path("cities/<slug:org>/", public.city_home, name="city_home"),
    path("cities/<slug:org>/theme.css", public.theme_css, name="theme_css"),
    path("cities/<slug:org>/logo", public.logo, name="logo"),
    path("cities/<slug:org>/open-data/", open_data.open_data_page, name="open_data"),
    path(
        "cities/<slug:org>/open-data/catalogue.<str:fmt>",
        open_data.open_data_catalogue,
        name="open_data_catalogue",
    ),
    # Staff area
    path("manage/<slug:org>/", staff.dashboard, name="dashboard"),
    path("manage/<slug:org>/members/", staff.members, name="members"),
    path("manage/<slug:org>/members/<int:pk>/", staff.member_edit, name="member_edit"),
    path("manage/<slug:org>/departments/", staff.departments, name="departments"),
    path(
        "manage/<slug:org>/departments/<int:pk>/",
        staff.department_edit,
        name="department_edit",
    ),
    path("manage/<slug:org>/settings/", staff.settings_view, name="settings"),
    path("manage/<slug:org>/api-keys/", staff.api_keys, name="api_keys"),
    path(
        "manage/<slug:org>/api-keys/<int:pk>/revoke/",
        staff.api_key_revoke,
        name="api_key_revoke",
    ),
    path("manage/<slug:org>/audit/", staff.audit_log, name="audit_log"),
]
