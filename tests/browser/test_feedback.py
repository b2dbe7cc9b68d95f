"""A confirmation appears where the person acted and takes the focus (issue 16 §4): after
giving or withdrawing consent in a card far down the page, on a phone and without JavaScript,
the confirmation is on screen, focused, and not repeated at the top of the page."""

from __future__ import annotations

from cityrights.consent.models import ProcessingAgreement

from .conftest import login_as

PHONE = {"width": 390, "height": 844}
ON_SCREEN = """(id) => {
  const el = document.getElementById(id);
  const box = el.getBoundingClientRect();
  return {
    focused: document.activeElement === el,
    visible: box.top >= -1 && box.bottom <= window.innerHeight + 1,
    box: [box.top, box.bottom, window.innerHeight],
    text: el.textContent.trim(),
    atTop: Array.from(document.querySelectorAll('main > .messages')).map(e => e.textContent.trim()),
  };
}"""


def on_screen(page, place: str) -> dict:
    """The confirmation once the browser has moved the focus to it (after the new page's
    load, which a busy machine may finish after the click returns); never waits forever."""
    page.wait_for_function(
        "id => document.activeElement === document.getElementById(id)", arg=place, timeout=10_000
    )
    return page.evaluate(ON_SCREEN, place)


def test_consent_confirmations_appear_and_take_focus_where_the_resident_acted(
    browser, live_server, demo_city
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE, locale="en-GB"
    )
    page = context.new_page()
    login_as(page, demo_city.users["resident"])
    agreement = ProcessingAgreement.objects.get(
        organisation=demo_city.city, title_en__icontains="Crowd-sensing mobility study"
    )
    place = f"feedback-agreement-{agreement.pk}"
    page.goto("/cities/demo-city/my-data/")
    card = page.locator(f"#agreement-{agreement.pk}")
    card.get_by_role("button", name="Give consent Physical health (such as heart rate)").click()
    assert page.url.endswith(f"#{place}")
    shown = on_screen(page, place)
    assert shown["focused"] and shown["visible"], shown
    assert shown["text"] == "Your consent was recorded."
    assert shown["atTop"] == []
    # The card is thousands of pixels down a phone's page: the confirmation is next to it.
    assert page.evaluate("window.scrollY") > 400

    card.get_by_role(
        "button", name="Withdraw all consent for “Crowd-sensing mobility study”"
    ).click()
    shown = on_screen(page, place)
    assert shown["focused"] and shown["visible"], shown
    assert shown["text"] == "Your consent was withdrawn. The recipient is told."
    # Reloading the page does not show the confirmation again.
    page.goto("/cities/demo-city/my-data/")
    assert page.locator(f"#{place}").count() == 0
    context.close()
