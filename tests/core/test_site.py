"""Health, error pages, public home, sign-up, log-in throttling, logs without personal data."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from cityrights.core.logging import RedactPersonalData, redact
from cityrights.core.models import User

from ..conftest import PASSWORD


@pytest.mark.django_db
def test_healthz():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_404_is_themed_for_the_city(city_a):
    response = Client().get("/cities/city-a/no-such-thing/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "/cities/city-a/theme.css" in html


@pytest.mark.django_db
def test_a_record_that_is_not_there_is_a_404_in_the_visitors_language(city_a):
    # get_object_or_404 says "No ImpactAssessment matches the given query.": never shown.
    client = city_a.client_for("admin")
    client.cookies["django_language"] = "nl"
    response = client.get("/manage/city-a/impact/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We konden deze pagina niet vinden" in html
    assert "matches the given query" not in html


@pytest.mark.django_db
def test_the_server_error_page_speaks_the_visitors_language(rf):
    from django.utils import translation

    from cityrights.core.views.errors import server_error

    with translation.override("fr"):
        html = server_error(rf.get("/")).content.decode()
    assert '<html lang="fr">' in html and "Une erreur s’est produite" in html


@pytest.mark.django_db
def test_unknown_city_is_404(db):
    response = Client().get("/cities/atlantis/")
    assert response.status_code == 404
    assert "no organisation at this address" in response.content.decode()


@pytest.mark.django_db
def test_private_city_is_hidden_from_the_public_but_not_from_members(city_a):
    city_a.city.is_public = False
    city_a.city.save()
    assert Client().get("/cities/city-a/").status_code == 404
    assert city_a.client_for("viewer").get("/cities/city-a/").status_code == 200
    assert "City A" not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_security_headers(db):
    response = Client().get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "browsing-topics"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_resident_signup_creates_a_pending_account_without_membership(db):
    client = Client()
    response = client.post(
        "/accounts/signup/", {"name": "Sam", "email": "Sam@Example.org", "language": "nl"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="sam@example.org")
    assert user.is_resident
    assert user.language == "nl"
    assert not user.is_active  # until the link in the mail is followed (tests/core/test_accounts)


@pytest.mark.django_db
def test_login_works(resident):
    client = Client()
    response = client.post("/accounts/login/", {"username": resident.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_redaction_removes_personal_data():
    line = (
        '"GET /consent/?email=ann@example.org HTTP/1.1" 200 from 192.168.1.20 key crk_ab12_secret'
    )
    cleaned = redact(line)
    assert "ann@example.org" not in cleaned
    assert "192.168.1.20" not in cleaned
    assert "secret" not in cleaned
    assert "/consent/?" in cleaned


def test_log_filter_rewrites_records():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user %s failed", ("bo@x.org",), None
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "user [e-mail] failed"


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child process, without test-only switches of this process."""
    drop = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def _run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityrights", *args],
        capture_output=True,
        text=True,
        env=_clean_env(**env),
        timeout=120,
        check=False,
    )


def _settings_in_child(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` after django.setup() in a fresh process with the given environment."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env=_clean_env(**env),
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cityrights.settings.production",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "rights.example.org",
    "CITYRIGHTS_BASE_URL": "https://rights.example.org",
    "CITYRIGHTS_DEFAULT_FROM": "Digital rights <rights@rights.example.org>",
    "CITYRIGHTS_TRUSTED_PROXIES": "1",
    "CITYRIGHTS_EMAIL_URL": "smtp://mailer:secret@mail.example.org:587",
}


def production(folder: Path, **extra: str) -> dict[str, str]:
    """The production profile's environment as the README sets it, with ``folder`` for data."""
    return {
        **PRODUCTION,
        "CITYRIGHTS_DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'cityrights.sqlite3'}",
        # The keys in the data folder, whatever this process was told.
        "CITYRIGHTS_KEY_DIR": "",
        "CITYRIGHTS_CONSENT_KEY_DIR": "",
        **extra,
    }


def test_production_profile_passes_check_deploy(tmp_path):
    created = _run_cli("create-keys", **production(tmp_path))
    assert created.returncode == 0, created.stderr
    assert "Created ledger-ed25519.pem" in created.stdout
    assert "Created identifier-pepper.key" in created.stdout
    result = _run_cli("check", "--deploy", "--fail-level", "WARNING", **production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    again = _run_cli("create-keys", **production(tmp_path))
    assert "nothing was created" in again.stdout


def test_check_deploy_names_missing_keys_and_production_never_makes_new_ones(tmp_path):
    """A service started without its key folder must not sign or hash with new keys."""
    result = _run_cli("check", "--deploy", **production(tmp_path))
    assert result.returncode == 1
    assert "cityrights.E002" in result.stderr
    assert "ledger-ed25519.pem" in result.stderr and "identifier-pepper.key" in result.stderr
    assert "cityrights create-keys" in result.stderr
    shown = _run_cli("signing-key", **production(tmp_path))
    assert shown.returncode != 0
    assert "Key file missing" in shown.stderr and "Restore the key folder" in shown.stderr
    assert not (tmp_path / "keys" / "ledger-ed25519.pem").exists()


@pytest.mark.parametrize(
    ("extra", "check", "words"),
    [
        ({"CITYRIGHTS_BASE_URL": "http://127.0.0.1:8000"}, "E003", "CITYRIGHTS_BASE_URL"),
        ({"CITYRIGHTS_DEFAULT_FROM": "x <no-reply@localhost>"}, "W001", "CITYRIGHTS_DEFAULT_FROM"),
        ({"CITYRIGHTS_TRUSTED_PROXIES": "0"}, "W002", "CITYRIGHTS_TRUSTED_PROXIES=1"),
    ],
)
def test_check_deploy_catches_an_incomplete_environment(tmp_path, extra, check, words):
    _run_cli("create-keys", **production(tmp_path))
    result = _run_cli(
        "check", "--deploy", "--fail-level", "WARNING", **production(tmp_path, **extra)
    )
    assert result.returncode == 1
    assert f"cityrights.{check}" in result.stderr and words in result.stderr


@pytest.mark.parametrize(
    ("missing", "words"),
    [("CITYRIGHTS_DATA_DIR", "Set CITYRIGHTS_DATA_DIR"), ("DATABASE_URL", "Set DATABASE_URL")],
)
def test_production_refuses_to_guess_where_its_data_is(tmp_path, missing, words):
    # Empty rather than absent: the PostgreSQL pass runs with DATABASE_URL in the environment.
    result = _run_cli("check", **production(tmp_path, **{missing: ""}))
    assert result.returncode != 0
    assert words in result.stderr
    relative = _run_cli("check", **production(tmp_path, CITYRIGHTS_DATA_DIR="var"))
    assert "absolute path" in relative.stderr


def test_the_demo_is_never_loaded_into_production_by_accident(tmp_path):
    result = _run_cli("demo", **production(tmp_path))
    assert result.returncode != 0
    assert "--into-production" in result.stderr


@pytest.mark.parametrize("url", [None, "console://"])
def test_check_deploy_refuses_mail_printed_to_the_log(tmp_path, url):
    environment = production(tmp_path)
    del environment["CITYRIGHTS_EMAIL_URL"]
    extra = {"CITYRIGHTS_EMAIL_URL": url} if url else {}
    result = _run_cli("check", "--deploy", **environment, **extra)
    assert result.returncode == 1
    assert "cityrights.E001" in result.stderr
    assert "console.EmailBackend prints every message to the server log" in result.stderr
    assert "Set CITYRIGHTS_EMAIL_URL" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://u:p%40ss@mail.example.org", "mail.example.org 587 u p@ss True False"),
        ("smtps://mail.example.org", "mail.example.org 465   False True"),
        ("smtp+plain://127.0.0.1:2525", "127.0.0.1 2525   False False"),
    ],
)
def test_mail_server_from_the_environment(tmp_path, url, expected):
    code = (
        "from django.conf import settings as s;"
        "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD,"
        " s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
    )
    result = _settings_in_child(
        code,
        DJANGO_SETTINGS_MODULE="cityrights.settings.dev",
        CITYRIGHTS_EMAIL_URL=url,
        CITYRIGHTS_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == expected, result.stderr


def test_an_unknown_mail_scheme_is_named(tmp_path):
    result = _settings_in_child(
        "pass",
        DJANGO_SETTINGS_MODULE="cityrights.settings.dev",
        CITYRIGHTS_EMAIL_URL="smtp+tls://mail.example.org",
        CITYRIGHTS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "CITYRIGHTS_EMAIL_URL: unknown scheme 'smtp+tls'" in result.stderr


@pytest.mark.parametrize(("proxies", "expected"), [("0", "None"), ("1", "HTTP_X_FORWARDED_PROTO")])
def test_forwarded_proto_is_believed_only_behind_a_configured_proxy(tmp_path, proxies, expected):
    code = (
        "from django.conf import settings as s;"
        "h = s.SECURE_PROXY_SSL_HEADER; print(h[0] if h else h)"
    )
    result = _settings_in_child(code, **production(tmp_path, CITYRIGHTS_TRUSTED_PROXIES=proxies))
    assert result.stdout.split() == [expected], result.stderr


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
def test_without_a_proxy_a_forged_forwarded_proto_still_gets_the_https_redirect():
    response = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_production_profile_requires_a_secret_key(tmp_path):
    result = _run_cli(
        "check",
        DJANGO_SETTINGS_MODULE="cityrights.settings.production",
        CITYRIGHTS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_uses_argon2_and_secure_cookies(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.DEBUG)"
    )
    result = _settings_in_child(code, **production(tmp_path, SECRET_KEY="x" * 60))
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True",
        "True",
        "31536000",
        "False",
    ], result.stderr


@pytest.mark.parametrize(
    ("url", "switch", "expected"),
    [
        ("postgres://u@db:5432/city", None, "2147483647"),
        ("postgres://u@db:5432/city", "false", "None"),
        ("sqlite:////tmp/x.sqlite3", None, "None"),
    ],
)
def test_statement_preparation_follows_the_database_and_the_switch(tmp_path, url, switch, expected):
    # Settings only: nothing connects. PostgreSQL gets a threshold no ORM query reaches (only
    # the consent hot paths ask for preparation); a pooler in transaction mode can turn it off.
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )
    extra = {"CITYRIGHTS_DB_PREPARED_STATEMENTS": switch} if switch else {}
    result = _settings_in_child(
        code,
        DJANGO_SETTINGS_MODULE="cityrights.settings.dev",
        DATABASE_URL=url,
        CITYRIGHTS_DATA_DIR=str(tmp_path),
        **extra,
    )
    assert result.stdout.split() == [expected], result.stderr


@pytest.mark.django_db
def test_demo_command_is_idempotent():
    from django.core.management import call_command

    call_command("demo")
    call_command("demo")
    assert User.objects.filter(email="admin@demo-city.example").count() == 1
    admin = User.objects.get(email="admin@demo-city.example")
    assert admin.memberships.get().role == "admin"


@pytest.mark.django_db
def test_fields_are_linked_to_their_help_and_errors(db):
    response = Client().post("/accounts/signup/", {"email": "not-an-address", "language": "en"})
    html = response.content.decode()
    assert 'id="id_email_helptext"' in html
    assert 'aria-describedby="id_email_helptext id_email_errors"' in html
    assert html.count('aria-invalid="true"') >= 1


def test_english_dates_are_written_the_european_way():
    from datetime import date

    from django.utils import formats, translation

    with translation.override("en"):
        assert formats.date_format(date(2026, 11, 22)) == "22 November 2026"
        assert formats.date_format(date(2026, 11, 22), "SHORT_DATE_FORMAT") == "22/11/2026"


@pytest.mark.django_db
def test_a_form_address_opened_by_a_link_explains_itself(city_a):
    # Django's bare 405 is an empty page; the resident followed a link to where a form posts.
    response = Client().get("/cities/city-a/my-data/agreements/1/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "Dit adres ontvangt wat een formulier verstuurt" in html
    assert "/cities/city-a/theme.css" in html  # the city's own error page


@pytest.mark.django_db
def test_the_language_switcher_leaves_a_pages_own_languages_alone(rf):
    # The consultation's "what changed" page lists the city's languages as "languages": the
    # switcher in the page's header used to replace them with Django's (names in English).
    from django.template import engines

    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}[{{ languages|join:"," }}]{% endblock %}'
    )
    html = page.render({"languages": ["fr", "nl"]}, rf.get("/"))
    assert "[fr,nl]" in html
    assert 'name="language"' in html and 'lang="nl"' in html  # the switcher is still there


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_gets_the_citys_page_in_the_visitors_language(city_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city_a.users["editor"])
    response = client.post(
        "/manage/city-a/departments/", {"name_en": "X"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Het formulier kon niet worden verstuurd" in html
    assert "/cities/city-a/theme.css" in html and "CSRF" not in html


def test_a_command_without_a_settings_profile_says_it_runs_the_development_one(tmp_path):
    """A crontab line that forgot the environment file: cron mails what the job writes to
    standard error, and that now says which profile and which folder the job used."""
    environment = {
        "CITYRIGHTS_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cityrights.sqlite3'}",
    }
    unset = _run_cli("check", **environment)
    assert unset.returncode == 0, unset.stderr
    assert "DJANGO_SETTINGS_MODULE is not set" in unset.stderr
    assert "cityrights.settings.dev" in unset.stderr
    chosen = _run_cli("check", DJANGO_SETTINGS_MODULE="cityrights.settings.dev", **environment)
    assert chosen.returncode == 0, chosen.stderr
    assert "DJANGO_SETTINGS_MODULE" not in chosen.stderr
