"""Log-in, log-out, resident sign-up, the account page and deleting one's account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from .. import accounts, throttling
from ..errors import ServiceError, refuse
from ..forms import (
    AccountForm,
    ActivateAccountForm,
    DeleteAccountForm,
    SignupForm,
    ThrottledLoginForm,
)
from ..tenancy import UserRequest
from ..translation import current_language


def keep_language(response: HttpResponse, language: str) -> None:
    """Make the browser's next pages speak ``language`` (the cookie the switcher sets)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    """The one log-in page; a successful log-in makes this browser a known device."""

    form_class = ThrottledLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Without a ``next`` address: staff land on their dashboard, residents on their data."""
        return accounts.landing_url(self.request.user)  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["why"] = accounts.why_log_in(context.get("next") or "")
        return context

    def form_valid(self, form: ThrottledLoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        user = form.get_user()
        throttling.remember_device(self.request, response, user.email)
        # From here on the pages speak the account's language, as its page promises (a
        # Dutch-speaking colleague with a French browser read French after logging in).
        if user.language in dict(settings.LANGUAGES):
            keep_language(response, user.language)
        return response

    def form_invalid(self, form: ThrottledLoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
            response["Retry-After"] = str(form.wait)
        return response


@csrf_exempt  # see cityrights.urls: the switcher of a cacheable page carries no token
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, and for a logged-in person their account's language too:
    the account page promises that e-mails follow the language the pages are read in, and a
    resident who switched to Dutch got their confirmations in English.

    A forged choice cannot reach an account: the session cookie is ``SameSite=Lax``, so a
    POST from another site arrives without it, as an anonymous visitor's."""
    response = django_set_language(request)
    user = getattr(request, "user", None)
    if request.method == "POST" and user is not None and user.is_authenticated:
        accounts.remember_language(user, str(request.POST.get("language", "")))
    return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """The operator admin's log-in goes through the site's (one form, one throttle).

    Nothing posted here is checked: credentials are only ever checked by ``LoginView``.
    """
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('core:login')}?{urlencode({'next': target})}")
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    raise PermissionDenied(_("Your account may not open the operator admin."))


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:account")
    # The language preselected is the one the page is read in (the e-mails' language).
    form = SignupForm(request.POST or None, initial={"language": current_language()})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            accounts.request_signup(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                client=throttling.client_address(request.META),
            )
        except ServiceError as error:
            status = refuse(request, error, form=form)
        else:
            return redirect("core:signup_sent")
    return render(request, "registration/signup.html", {"form": form}, status=status)


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_sent.html")


class SignupConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the sign-up mail: choose a password, and the account is active."""

    form_class = ActivateAccountForm
    token_generator = accounts.signup_tokens
    template_name = "registration/signup_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("core:account")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and accounts.is_pending(user) else None

    def form_valid(self, form: ActivateAccountForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        messages.success(self.request, _("Welcome! Your account is ready."))
        return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request: UserRequest) -> HttpResponse:
    user = request.user
    form = AccountForm(request.POST or None, initial={"name": user.name, "language": user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        accounts.update_account(user, name=form.cleaned_data["name"], language=language)
        with translation.override(language):
            messages.success(request, _("Your account was saved."))
        response = redirect("core:account")
        # The pages follow the language chosen for the e-mails (as the switcher sets it).
        keep_language(response, language)
        return response
    memberships = user.memberships.select_related("organisation", "department")
    return render(
        request,
        "core/account.html",
        {"memberships": memberships, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: UserRequest) -> HttpResponse:
    user = request.user
    form = DeleteAccountForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            accounts.delete_account(user=user, password=form.cleaned_data["password"])
        except ServiceError as error:
            status = refuse(request, error, form=form)
        else:
            logout(request)
            messages.success(request, _("Your account and your data in it were deleted."))
            return redirect("core:home")
    blocked = user.memberships.exists() or user.is_staff or user.is_superuser
    return render(
        request, "core/account_delete.html", {"form": form, "blocked": blocked}, status=status
    )
