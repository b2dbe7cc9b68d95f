"""Exports of a cycle (CSV, JSON, PDF) and import of the JSON into another instance.

The JSON format (``cityrights.assessment`` version 1) carries the framework id, version
and content hash, the answers with pseudonymous respondent labels, the resolutions and
the scores. Importing it elsewhere needs the very same framework version (same hash), so
the imported cycle reads and scores exactly as it did where it was made.
"""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cityrights.core import audit, pdf
from cityrights.core.models import Organisation

from .models import AssessmentCycle, CycleStatus, FrameworkVersion, Resolution, Response
from .selectors import result_of, snapshot_scores
from .services import AssessmentError, check_value

if TYPE_CHECKING:
    from cityrights.core.models import User

FORMAT = "cityrights.assessment"
FORMAT_VERSION = 1


class ImportRefused(AssessmentError):
    status = 422


def _label_order(respondent_key: str) -> tuple[int, str]:
    """``user-9`` before ``user-12``, and ``imported-respondent-2`` before ``-10``."""
    return len(respondent_key), respondent_key


def _labels(cycle: AssessmentCycle) -> dict[str, str]:
    """Stable pseudonyms ``respondent-1``… so exported files carry no staff names."""
    keys = sorted(
        set(Response.objects.filter(cycle=cycle).values_list("respondent_key", flat=True)),
        key=_label_order,
    )
    return {key: f"respondent-{index}" for index, key in enumerate(keys, start=1)}


def export_json(cycle: AssessmentCycle) -> dict[str, Any]:
    labels = _labels(cycle)
    result = result_of(cycle)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "organisation": {"name": cycle.organisation.name, "slug": cycle.organisation.slug},
        "framework": {
            "id": cycle.framework.key,
            "version": cycle.framework.version,
            "content_hash": cycle.framework.content_hash,
        },
        "cycle": {
            "year": cycle.year,
            "status": cycle.status,
            "submitted_at": cycle.submitted_at.isoformat() if cycle.submitted_at else None,
            "validated_at": cycle.validated_at.isoformat() if cycle.validated_at else None,
        },
        "answers": [
            {
                "question": r.question,
                "respondent": labels[r.respondent_key],
                "value": r.scored_value,
                "evidence_text": r.evidence_text,
                "evidence_link": r.evidence_link,
                "comment": r.comment,
                "updated_at": r.updated_at.isoformat(),
            }
            # In pseudonym order (respondent-2 before respondent-10), not the database's
            # order of the keys, so a file imported and exported again lists them the same.
            for r in sorted(
                Response.objects.filter(cycle=cycle),
                key=lambda r: (r.question, _label_order(r.respondent_key)),
            )
        ],
        "resolutions": [
            {"question": r.question, "value": r.scored_value, "note": r.note}
            for r in Resolution.objects.filter(cycle=cycle)
        ],
        "scores": snapshot_scores(result),
    }


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        # Cells starting with = + - @ would run as formulas in spreadsheets.
        writer.writerow(
            ["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row]
        )
    return buffer.getvalue()


def export_answers_csv(cycle: AssessmentCycle) -> str:
    framework = cycle.framework.framework
    rows: list[list[Any]] = [
        [
            "question",
            "area",
            "pillar",
            "respondent",
            "value",
            "evidence_text",
            "evidence_link",
            "evidence_file",
            "comment",
            "updated_at",
            "resolved_value",
        ]
    ]
    resolutions = {r.question: r.value for r in Resolution.objects.filter(cycle=cycle)}
    for response in Response.objects.filter(cycle=cycle).select_related("respondent"):
        question = framework.question(response.question)
        rows.append(
            [
                response.question,
                question.area,
                question.pillar,
                response.who,
                response.value,
                response.evidence_text,
                response.evidence_link,
                (response.evidence_file.name or "").rsplit("/", 1)[-1],
                response.comment,
                response.updated_at.isoformat(),
                resolutions.get(response.question, ""),
            ]
        )
    return _csv(rows)


def export_scores_csv(cycle: AssessmentCycle) -> str:
    result = result_of(cycle)
    rows: list[list[Any]] = [
        [
            "scope",
            "area",
            "pillar",
            "score",
            "level",
            "visible",
            "answered",
            "dont_know",
            "not_applicable",
            "unanswered",
        ]
    ]

    def line(scope: str, area: str, pillar: str, item: Any) -> list[Any]:
        c = item.coverage
        value = "" if item.score is None else round(item.score, 2)
        return [
            scope,
            area,
            pillar,
            value,
            item.level or "",
            c.visible,
            c.answered,
            c.dont_know,
            c.not_applicable,
            c.unanswered,
        ]

    for (area, pillar), cell in result.cells.items():
        rows.append(line("cell", area, pillar, cell))
    for area, area_result in result.areas.items():
        rows.append(line("area", area, "", area_result))
    for pillar, pillar_result in result.pillars.items():
        rows.append(line("pillar", "", pillar, pillar_result))
    rows.append(line("overall", "", "", result))
    return _csv(rows)


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------


def _require(data: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise ImportRefused(
            _("%(where)s: the key “%(key)s” is missing.") % {"where": where, "key": key}
        )
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ImportRefused(
            _("%(where)s.%(key)s: unexpected type %(type)s.")
            % {"where": where, "key": key, "type": type(value).__name__}
        )
    return value


def _same_scores(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    def close(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), abs_tol=1e-6)

    for group in ("cells", "areas", "pillars"):
        left, right = expected.get(group) or {}, actual.get(group) or {}
        if set(left) != set(right):
            return False
        if not all(close(left[k].get("score"), right[k].get("score")) for k in left):
            return False
    return close((expected.get("overall") or {}).get("score"), actual["overall"]["score"])


def _already(organisation: Organisation, year: int) -> str:
    return _("%(city)s already has an assessment for %(year)d.") % {
        "city": organisation.name,
        "year": year,
    }


def import_json(organisation: Organisation, data: Any, actor: User) -> AssessmentCycle:
    """Create a cycle of ``organisation`` from an exported file, all or nothing.

    Refused with a clear message when the format is unknown, the framework version is not
    loaded here (or is loaded with different content), a question or value does not exist
    in that version, the year already has a cycle, or the scores in the file do not match
    what the answers give.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(
            _("This is not a cityrights assessment export (format “%(format)s”).")
            % {"format": FORMAT}
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(
            _("Format version “%(given)s” is not supported (this instance reads version %(read)s).")
            % {"given": data.get("format_version"), "read": FORMAT_VERSION}
        )
    meta = _require(data, "framework", dict, "file")
    key = _require(meta, "id", str, "framework")
    number = _require(meta, "version", int, "framework")
    content_hash = _require(meta, "content_hash", str, "framework")
    version = FrameworkVersion.objects.filter(key=key, version=number).first()
    if version is None:
        raise ImportRefused(
            _(
                "The framework %(key)s v%(number)s is not loaded in this instance; load it "
                "with “cityrights load-framework FILE” first."
            )
            % {"key": key, "number": number}
        )
    if not version.accepts_hash(content_hash):
        raise ImportRefused(
            _(
                "The framework %(key)s v%(number)s here has different content than in the file "
                "(content hashes differ); the answers cannot be imported safely."
            )
            % {"key": key, "number": number}
        )
    framework = version.framework
    max_level = framework.scale.max_level
    cycle_meta = _require(data, "cycle", dict, "file")
    year = _require(cycle_meta, "year", int, "cycle")
    status = cycle_meta.get("status", CycleStatus.OPEN)
    if status not in CycleStatus.values:
        raise ImportRefused(_("cycle.status: unknown status “%(status)s”.") % {"status": status})
    answers = _require(data, "answers", list, "file")
    resolutions = data.get("resolutions", [])
    if not isinstance(resolutions, list):
        raise ImportRefused(_("resolutions: expected a list."))

    responses: list[Response] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(answers):
        where = f"answers[{index}]"
        question = _require(item, "question", str, where)
        try:
            framework.question(question)
        except KeyError:
            raise ImportRefused(
                _("%(where)s.question: there is no question “%(question)s” in %(framework)s.")
                % {"where": where, "question": question, "framework": framework.label}
            ) from None
        label = _require(item, "respondent", str, where).strip()[:100]
        if not label:
            raise ImportRefused(_("%(where)s.respondent: empty.") % {"where": where})
        if (question, label) in seen:
            raise ImportRefused(
                _("%(where)s: %(respondent)s answered %(question)s twice.")
                % {"where": where, "respondent": label, "question": question}
            )
        seen.add((question, label))
        try:
            value = check_value(item.get("value"), max_level)
        except AssessmentError as error:
            raise ImportRefused(f"{where}.value: {error.message}") from None
        link = str(item.get("evidence_link") or "")
        if link and not link.startswith(("http://", "https://")):
            raise ImportRefused(_("%(where)s.evidence_link: not a web address.") % {"where": where})
        responses.append(
            Response(
                question=question,
                respondent=None,
                respondent_key=f"imported-{label}",
                respondent_label=label,
                value=value,
                evidence_text=str(item.get("evidence_text") or "")[:5000],
                evidence_link=link[:500],
                comment=str(item.get("comment") or "")[:5000],
            )
        )
    decided: list[Resolution] = []
    for index, item in enumerate(resolutions):
        where = f"resolutions[{index}]"
        question = _require(item, "question", str, where)
        try:
            framework.question(question)
        except KeyError:
            raise ImportRefused(
                _("%(where)s.question: unknown question “%(question)s”.")
                % {"where": where, "question": question}
            ) from None
        try:
            value = check_value(item.get("value"), max_level)
        except AssessmentError as error:
            raise ImportRefused(f"{where}.value: {error.message}") from None
        decided.append(
            Resolution(question=question, value=value, note=str(item.get("note") or "")[:2000])
        )
    if AssessmentCycle.objects.filter(organisation=organisation, year=year).exists():
        raise ImportRefused(_already(organisation, year))
    try:
        with transaction.atomic():
            validated_at = parse_datetime(cycle_meta.get("validated_at") or "") or None
            submitted_at = parse_datetime(cycle_meta.get("submitted_at") or "") or None
            cycle = AssessmentCycle.objects.create(
                organisation=organisation,
                year=year,
                framework=version,
                status=status,
                opened_by=actor,
                submitted_at=submitted_at if status != CycleStatus.OPEN else None,
                validated_at=validated_at if status == CycleStatus.VALIDATED else None,
            )
            for response in responses:
                response.cycle = cycle
            Response.objects.bulk_create(responses)
            for resolution in decided:
                resolution.cycle = cycle
            Resolution.objects.bulk_create(decided)
            result = result_of(cycle)
            computed = snapshot_scores(result)
            expected = data.get("scores")
            if isinstance(expected, dict) and expected and not _same_scores(expected, computed):
                raise ImportRefused(
                    _(
                        "The scores in the file do not match its answers; the file was changed "
                        "or comes from a different scoring. Nothing was imported."
                    )
                )
            if status == CycleStatus.VALIDATED:
                cycle.scores = computed
                cycle.validated_by = actor
                if cycle.validated_at is None:
                    cycle.validated_at = timezone.now()
                cycle.save(update_fields=["scores", "validated_by", "validated_at"])
            audit.record(
                actor=actor,
                organisation=organisation,
                action="import",
                obj=cycle,
                changes={
                    "year": year,
                    "framework": str(version),
                    "answers": len(responses),
                    "resolutions": len(decided),
                    "status": status,
                    "source": str((data.get("organisation") or {}).get("name", ""))[:200],
                },
            )
    except IntegrityError as error:
        raise ImportRefused(_already(organisation, year)) from error
    return cycle


# --------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------


REPORT_PAGE = pdf.Page(size="A4", margin="18mm 16mm 20mm")


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The report's HTML printed on A4 with the report stylesheet."""
    return pdf.render(
        html, stylesheets=["assessment/report.css"], page=REPORT_PAGE, base_url=base_url
    )
