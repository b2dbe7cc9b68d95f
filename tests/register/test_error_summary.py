"""A long form (a new register entry has over a hundred inputs) lists its errors at the top, each
with a link to its field, instead of only saying that something is wrong."""

from __future__ import annotations

import re

import pytest

from .test_staff import M, form_data

pytestmark = pytest.mark.django_db


def test_the_error_summary_links_to_every_field_in_error(city_a):
    response = city_a.client_for("editor").post(
        M + "new/",
        form_data(city_a.department, name="", dataset_links="not a link", source_code_url="x"),
    )
    html = response.content.decode()
    summary = html.split('class="errorsummary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">', summary)
    fields_in_error = re.findall(r'id="([^"]+)_errors"', html)
    assert len(links) >= 2
    assert sorted(links) == sorted(fields_in_error)
    for target in links:
        assert f'id="{target}"' in html  # each link leads to its input
    assert "Please correct these" in summary
