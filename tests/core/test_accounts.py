"""Log-in throttling per account and place, the admin's log-in, sign-up that reveals nothing,
and residents deleting their own account."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from cityrights.core import throttling
from cityrights.core.models import AuditEvent, User

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def attempt(client: Client, email: str, password: str, address: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


class Clock:
    """Moves core.throttling's clock forward without sleeping."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    fake = Clock()
    with mock.patch.object(throttling.time, "time", fake):
        yield fake


# --- log-in ---------------------------------------------------------------------------------


def test_wrong_passwords_cost_a_growing_delay_then_the_right_one_works(resident, clock):
    client = Client()
    for _ in range(3):  # the free failures
        assert attempt(client, resident.email, "wrong").status_code == 200
    refused = attempt(client, resident.email, PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert "wait 1 second before the next try" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    clock.now += 1
    assert attempt(client, resident.email, "wrong").status_code == 200  # 4th failure: 2 s
    assert attempt(client, resident.email, PASSWORD)["Retry-After"] == "2"
    clock.now += 2
    assert attempt(client, resident.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_the_delay_is_capped_and_told_in_minutes(resident, clock):
    client = Client()
    for _ in range(20):
        attempt(client, resident.email, "wrong")
        clock.now += 3600
    clock.now -= 3600
    refused = attempt(client, resident.email, PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "wait 15 minutes" in refused.content.decode()


def test_nobody_can_lock_an_account_from_another_address(resident, clock):
    attacker, owner = Client(), Client()
    for _ in range(30):
        attempt(attacker, resident.email, "guess", address="198.51.100.66")
        clock.now += 1000
    assert attempt(owner, resident.email, PASSWORD, address="203.0.113.5").status_code == 302


def test_a_guesser_behind_a_nat_does_not_block_the_others_behind_it(city_a, resident, clock):
    nat = "192.0.2.200"
    for _ in range(30):
        attempt(Client(), resident.email, "guess", address=nat)
    colleague = city_a.users["editor"]
    assert attempt(Client(), colleague.email, PASSWORD, address=nat).status_code == 302


def known_device(user: User, address: str = "192.0.2.10") -> Client:
    """A browser that logged in to ``user`` once, then logged out (keeping its device cookie)."""
    device = Client()
    assert attempt(device, user.email, PASSWORD, address=address).status_code == 302
    name = throttling._device_cookie(user.email)
    cookie = device.cookies[name]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    device.logout()  # the test client forgets all cookies here; a browser keeps this one
    device.cookies[name] = cookie.value
    return device


def test_a_known_device_gets_in_with_the_right_password_whatever_others_tried(resident, clock):
    device = known_device(resident, address="192.0.2.1")
    # Someone on the same network guesses all day long …
    for _ in range(40):
        attempt(Client(), resident.email, "guess", address="192.0.2.1")
    # … and the owner's own typos on the device cost at most the short delay.
    for _ in range(10):
        attempt(device, resident.email, "typo", address="192.0.2.1")
        clock.now += 60
    first = attempt(device, resident.email, PASSWORD, address="192.0.2.1")
    assert first.status_code == 302, first.content.decode()


@override_settings(CITYRIGHTS_LOGIN_DEVICE_MAX_DELAY_SECONDS=30)
def test_a_known_device_never_waits_longer_than_the_short_delay(resident, clock):
    device = known_device(resident)
    for _ in range(15):
        assert attempt(device, resident.email, "typo").status_code == 200
        clock.now += 30
    clock.now -= 30
    refused = attempt(device, resident.email, PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    clock.now += 30
    assert attempt(device, resident.email, PASSWORD).status_code == 302
    # The same failures from an unknown browser would have cost 15 minutes.
    for _ in range(15):
        attempt(Client(), resident.email, "typo")
        clock.now += 900
    clock.now -= 900
    assert attempt(Client(), resident.email, PASSWORD)["Retry-After"] == "900"


def test_a_forged_device_cookie_is_no_known_device(resident, clock):
    client = Client()
    client.cookies[throttling._device_cookie(resident.email)] = "made-up:value"
    for _ in range(6):
        attempt(client, resident.email, "guess")
    assert attempt(client, resident.email, PASSWORD).status_code == 429


def test_admin_login_goes_through_the_site_login(city_a, clock):
    operator = User.objects.create_superuser("ops@example.org", PASSWORD)
    client = Client()
    answer = client.get("/admin/login/?next=/admin/core/user/")
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/login/?next=%2Fadmin%2Fcore%2Fuser%2F"
    # Credentials posted to the admin are never checked, right or wrong, however many.
    for password in ["wrong"] * 30 + [PASSWORD]:
        client.post("/admin/login/", {"username": operator.email, "password": password})
    assert "_auth_user_id" not in client.session
    # The site log-in throttles operators like everyone.
    for _ in range(3):
        attempt(client, operator.email, "wrong")
    assert attempt(client, operator.email, PASSWORD).status_code == 429
    clock.now += 1
    assert attempt(client, operator.email, PASSWORD).status_code == 302
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_refuses_people_who_are_not_operators(city_a):
    client = city_a.client_for("admin")  # a city's administrator, not a platform operator
    assert client.get("/admin/login/?next=/admin/").status_code == 403
    assert client.get("/admin/").status_code == 302  # to /admin/login/, which refuses


def test_admin_login_never_redirects_off_site(city_a):
    operator = User.objects.create_superuser("ops@example.org", PASSWORD)
    client = Client()
    client.force_login(operator)
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"


# --- sign-up --------------------------------------------------------------------------------


def signup(email: str, name: str = "Sam", address: str = "192.0.2.50"):
    return Client().post(
        "/accounts/signup/",
        {"name": name, "email": email, "language": "nl"},
        REMOTE_ADDR=address,
    )


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/signup/\S+/)", message.body).group(1)


def test_signup_sends_a_link_with_which_the_owner_chooses_a_password():
    answer = signup("Sam@Example.org")
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/signup/sent/"
    user = User.objects.get(email="sam@example.org")
    assert not user.is_active and not user.has_usable_password()
    assert user.is_resident and user.language == "nl"
    assert mail.outbox[-1].to == ["sam@example.org"]
    link = link_in(mail.outbox[-1])

    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "Choose your password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-passphrase-1", "new_password2": "a-long-passphrase-1"},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.is_active and user.check_password("a-long-passphrase-1")
    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link is no longer valid" in again.content.decode()


def test_signup_tells_nothing_about_an_existing_account(resident):
    new = signup("someone-new@example.org")
    taken = signup(resident.email.upper(), name="Mallory")
    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])

    def page(location: str) -> str:
        html = Client().get(location).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page(new["Location"]) == page(taken["Location"])
    # The owner hears about it; their account is untouched.
    told = mail.outbox[-1]
    assert told.to == [resident.email]
    assert "You already have one" in told.body
    assert "/accounts/password/reset/" in told.body
    resident.refresh_from_db()
    assert resident.name == "Rita Resident" and resident.check_password(PASSWORD)
    assert User.objects.filter(email__iexact=resident.email).count() == 1


def test_a_pending_account_cannot_be_taken_over_before_its_owner_arrives():
    signup("victim@example.org", name="Mallory")
    signup("victim@example.org", name="Vera")
    user = User.objects.get(email="victim@example.org")
    assert not user.has_usable_password()  # nobody but the mailbox's reader sets it
    assert user.name == "Vera"
    assert len(mail.outbox) == 2 and all(m.to == ["victim@example.org"] for m in mail.outbox)


def test_a_link_to_an_active_account_or_a_password_reset_link_activates_nothing(resident):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(resident.pk))
    token = default_token_generator.make_token(resident)
    page = Client().get(f"/accounts/signup/{uid}/{token}/", follow=True)
    assert "This link is no longer valid" in page.content.decode()


def test_one_address_gets_at_most_three_signup_mails_an_hour():
    for _ in range(5):
        assert signup("flooded@example.org").status_code == 302
    assert len(mail.outbox) == 3


def test_too_many_signups_from_one_place_are_refused_with_429():
    answers = [signup(f"p{i}@example.org", address="198.51.100.9") for i in range(11)]
    assert [a.status_code for a in answers[:10]] == [302] * 10
    assert answers[10].status_code == 429
    assert "Many accounts were asked for from here" in answers[10].content.decode()


def test_unconfirmed_signups_are_removed_after_the_link_expires():
    signup("late@example.org")
    User.objects.filter(email="late@example.org").update(
        date_joined=timezone.now() - timedelta(days=4)
    )
    signup("next@example.org")
    assert not User.objects.filter(email="late@example.org").exists()


def test_the_daily_command_removes_unconfirmed_signups_only_once_their_link_expired(resident):
    from django.core.management import call_command

    signup("late@example.org")
    signup("fresh@example.org")
    signup("confirmed@example.org")
    old = timezone.now() - timedelta(days=3, minutes=1)
    User.objects.filter(email__in=["late@example.org", "confirmed@example.org"]).update(
        date_joined=old
    )
    User.objects.filter(email="confirmed@example.org").update(is_active=True)
    User.objects.filter(pk=resident.pk).update(date_joined=old)
    out = io.StringIO()
    call_command("purge-signups", stdout=out)
    assert out.getvalue().strip() == "1 unconfirmed sign-up(s) removed."
    left = set(User.objects.values_list("email", flat=True))
    assert "late@example.org" not in left
    assert {"fresh@example.org", "confirmed@example.org", resident.email} <= left
    call_command("purge-signups", stdout=out)
    assert out.getvalue().strip().endswith("0 unconfirmed sign-up(s) removed.")


def test_signup_errors_are_next_to_fields():
    response = Client().post("/accounts/signup/", {"email": "not-an-address", "language": "xx"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email_errors"' in html
    assert 'id="id_language_errors"' in html


# --- deleting one's account -------------------------------------------------------------------


def test_a_resident_deletes_their_account_with_their_password(resident):
    client = Client()
    client.force_login(resident)
    assert "Delete my account" in client.get("/accounts/").content.decode()
    assert client.get("/accounts/delete/").status_code == 200
    wrong = client.post("/accounts/delete/", {"password": "nope"})
    assert wrong.status_code == 422
    assert 'id="id_password_errors"' in wrong.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()

    pk = resident.pk
    done = client.post("/accounts/delete/", {"password": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"
    assert not User.objects.filter(pk=pk).exists()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(pk))
    assert event.action == "delete"
    recorded = f"{event.actor_label} {event.object_repr} {event.changes}"
    assert "Rita" not in recorded and "resident@example.org" not in recorded


def test_staff_members_cannot_delete_their_account_while_they_have_a_role(city_a):
    client = city_a.client_for("editor")
    page = client.get("/accounts/delete/").content.decode()
    assert "Ask one of the organisation's administrators" in page
    refused = client.post("/accounts/delete/", {"password": PASSWORD})
    assert refused.status_code == 409
    assert User.objects.filter(pk=city_a.users["editor"].pk).exists()


def test_deleting_an_account_needs_a_login():
    answer = Client().post("/accounts/delete/", {"password": PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "language, expected",
    [
        ("nl", "Dit wachtwoord is te kort: gebruik minstens 10 tekens."),
        ("fr", "Ce mot de passe est trop court : utilisez au moins 10 caractères."),
        ("en", "This password is too short: use at least 10 characters."),
    ],
)
def test_a_short_password_is_refused_in_the_persons_language(language, expected):
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override(language), pytest.raises(ValidationError) as refused:
        password_validation.validate_password("Zq8#vLp2")
    assert expected in refused.value.messages


def test_a_person_chooses_the_language_of_their_e_mails_on_their_account_page(resident):
    client = Client()
    client.force_login(resident)
    page = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="language"' in page.content.decode()
    response = client.post(
        "/accounts/", {"name": " Rita R. ", "language": "nl"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.name, resident.language) == ("Rita R.", "nl")
    # The pages follow the chosen language, the confirmation included.
    after = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nl"' in after
    assert "Uw account is opgeslagen." in after


def test_a_language_the_site_does_not_offer_is_a_form_error(resident):
    client = Client()
    client.force_login(resident)
    response = client.post("/accounts/", {"name": "Rita", "language": "de"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    resident.refresh_from_db()
    assert resident.language == "en"


def test_the_account_page_needs_a_login():
    response = Client().post("/accounts/", {"name": "X", "language": "nl"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sign_up_preselects_the_language_the_page_is_read_in():
    html = Client().get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<option value="nl" selected>' in html
    assert '<option value="en" selected>' not in html


def test_after_logging_in_the_pages_speak_the_accounts_language(city_a):
    """A Dutch-speaking colleague with a French browser read French after logging in,
    although their account page promised Dutch (found by the walkthrough)."""
    editor = city_a.users["editor"]
    editor.language = "nl"
    editor.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert 'lang="fr"' in client.get(LOGIN).content.decode()
    answer = attempt(client, editor.email, PASSWORD)
    assert answer.status_code == 302
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    page = client.get("/manage/city-a/")
    assert page["Content-Language"] == "nl" and '<html lang="nl"' in page.content.decode()
