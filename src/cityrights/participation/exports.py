"""Exports of a consultation's comments and answers: CSV, JSON and PDF.

Two audiences, one code path. The **public** export leaves out everything personal: no
names or e-mail addresses of residents, no account ids, and the text of a hidden comment
replaced by the moderator's reason; organisations keep their name, since they took part
as organisations. The **staff** export (``view`` capability) adds the name shown, the
e-mail address (of the account or given for confirmation) and the comment's language,
for the officer who answers the commenters.

Rows are streamed from one query over the comment list index, with the section's key and
heading joined in, so 20,000 comments export in about a second (see
``benchmarks/bench_participation.py``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import TextField
from django.template.loader import render_to_string
from django.utils import timezone

from cityrights.core import pdf
from cityrights.core.translation import (
    city_languages,
    current_language,
    fallback_order,
    order_text_in,
    translations,
)

from .markdown import plain_text
from .models import Answer, Comment, CommentStatus, Consultation, Outcome

PUBLIC_COLUMNS = [
    "number",
    "reply_to",
    "section",
    "section_heading",
    "passage",
    "comment",
    "written_on",
    "organisation",
    "supports",
    "status",
    "hidden_reason",
    "outcome",
    "outcome_reason",
]
STAFF_COLUMNS = [*PUBLIC_COLUMNS, "name_shown", "email", "language"]


def _reading_order(consultation: Consultation) -> tuple[str, ...]:
    """The languages a reader of the export gets texts in: theirs, then the city's."""
    with city_languages(consultation.organisation.content_languages):
        return fallback_order()


def comment_rows(consultation: Consultation, *, public: bool) -> Iterator[dict[str, Any]]:
    """The comments with their section's heading and the outcome's reason in the reader's
    language (the active one), else the city's first language that has them."""
    languages = _reading_order(consultation)
    rows = (
        Comment.objects.filter(
            consultation=consultation,
            status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN],
        )
        .order_by("section__version__number", "section__position", "created_at", "id")
        .annotate(
            heading_read=order_text_in("heading", languages, prefix="section__"),
            reason_read=order_text_in("outcome_reason", languages, output_field=TextField()),
        )
        .values_list(
            "pk",
            "parent_id",
            "section__key",
            "heading_read",
            "quote",
            "body",
            "created_at",
            "organisation_name",
            "support_count",
            "status",
            "hidden_reason",
            "outcome",
            "reason_read",
            "author_name",
            "email",
            "author__email",
            "language",
        )
    )
    for (
        pk,
        parent,
        key,
        heading,
        quote,
        body,
        created,
        organisation,
        supports,
        status,
        hidden_reason,
        outcome,
        outcome_reason,
        name,
        email,
        account_email,
        written_in,
    ) in rows.iterator(chunk_size=2000):
        hidden = status == CommentStatus.HIDDEN
        row = {
            "number": pk,
            "reply_to": parent or "",
            "section": key,
            "section_heading": heading,
            "passage": "" if hidden else quote,
            "comment": "" if hidden else body,
            "written_on": timezone.localtime(created).date().isoformat(),
            "organisation": organisation,
            "supports": supports,
            "status": status,
            "hidden_reason": hidden_reason,
            "outcome": outcome,
            "outcome_reason": outcome_reason,
        }
        if not public:
            row.update(
                {
                    "comment": body,
                    "passage": quote,
                    "name_shown": name,
                    "email": account_email or email,
                    "language": written_in,
                }
            )
        yield row


def answer_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    """Counted answers, one row per answer; nothing says who gave them. Questions and
    choices in the reader's language, else the city's."""
    languages = _reading_order(consultation)

    def read(obj: Any, name: str) -> str:
        texts = translations(obj, name)
        return next((texts[code] for code in languages if texts.get(code)), str(obj))

    answers = (
        Answer.objects.filter(submission__consultation=consultation, submission__is_counted=True)
        .select_related("question")
        .prefetch_related("choices")
        .order_by("submission_id", "question__position")
    )
    numbers: dict[int, int] = {}
    for answer in answers:
        number = numbers.setdefault(answer.submission_id, len(numbers) + 1)
        yield {
            "respondent": number,
            "question": read(answer.question, "text"),
            "choices": "; ".join(read(choice, "label") for choice in answer.choices.all()),
            "text": answer.text,
        }


_FORMULA = ("=", "+", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text a spreadsheet will not run as a formula (OWASP's CSV injection advice).

    Residents' texts go into these files, so ``=HYPERLINK(…)`` must arrive as text: a
    leading ``=``, ``+``, ``@``, tab, carriage return, or ``-`` not followed by a space
    (a Markdown list item stays as it is) gets an apostrophe in front.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA) or (value.startswith("-") and not value[1:2].isspace()):
        return "'" + value
    return value


def to_csv(rows: Iterator[dict[str, Any]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # the BOM makes spreadsheets read UTF-8


def to_json(consultation: Consultation, *, public: bool) -> bytes:
    data = {
        "consultation": {
            "slug": consultation.slug,
            "title": translations(consultation, "title"),
            "phase": consultation.phase,
            "exported_at": timezone.now().isoformat(),
            "public": public,
        },
        "comments": list(comment_rows(consultation, public=public)),
        "answers": list(answer_rows(consultation)),
    }
    return json.dumps(data, ensure_ascii=False).encode()


def to_pdf(consultation: Consultation, *, public: bool, base_url: str | None = None) -> bytes:
    with city_languages(consultation.organisation.content_languages):
        rows = list(comment_rows(consultation, public=public))
        for row in rows:
            row["text"] = plain_text(row["comment"])
            # A document for people: the outcome's words, not its code (the CSV and JSON
            # keep the codes, which software compares).
            row["outcome_label"] = Outcome(row["outcome"]).label if row["outcome"] else ""
        html = render_to_string(
            "participation/print/comments.html",
            {
                "consultation": consultation,
                "organisation": consultation.organisation,
                "rows": rows,
                "public": public,
                "answers": list(answer_rows(consultation)),
                "generated": timezone.now(),
                "language": current_language(),  # no request here: no LANGUAGE_CODE
            },
        )
    return pdf.render(html, stylesheets=["participation/print.css"], base_url=base_url)


def filename(consultation: Consultation, extension: str, *, public: bool) -> str:
    suffix = "" if public else "-full"
    return f"{consultation.organisation.slug}-{consultation.slug}-comments{suffix}.{extension}"
