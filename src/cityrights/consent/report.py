"""The consent app's section of the annual report: consent-based sharing, in aggregates only.

Per processing agreement of the city: consents given, consents withdrawn and partners'
consent checks in the year, counted from the ledger events and the check log. Nothing about
a person leaves this module, and every count under :data:`MIN_CELL` is withheld (shown as
"fewer than 10"), with a second count withheld where one withheld count could otherwise be
worked out from a published total (:func:`cityrights.core.report.suppress_small`).

The ledger's latest checkpoint signed on or before the report's day is named with its size
and time, and its signature is checked against the installation's published keys (the JWKS):
the report says whether it verified, as anyone holding the note could check.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core import signing
from cityrights.core.models import Organisation
from cityrights.core.registry import Registry
from cityrights.core.report import (
    SUPPRESSED,
    Figure,
    ReportSection,
    Table,
    counted,
    day_words,
    end_of,
    period,
    report_date,
    suppress_small,
)
from cityrights.core.translation import order_text

from .checkpoints import CheckpointError, SignedCheckpoint, verify_checkpoint
from .models import Checkpoint, ConsentCheck, EventKind, LedgerEvent, ProcessingAgreement

#: The smallest count published; smaller ones could point at a few people.
MIN_CELL = 10
#: Where anyone reads the latest checkpoint (the consent app's public API).
LATEST_CHECKPOINT_PATH = "/api/v1/consent/checkpoints/latest"


def checkpoint_verifies(checkpoint: Checkpoint) -> bool:
    """Whether the stored note is signed by a published key and matches the stored columns."""
    try:
        note = SignedCheckpoint.from_note(checkpoint.note)
    except CheckpointError:
        return False
    if note.size != checkpoint.size or note.root.hex() != checkpoint.root:
        return False
    return any(verify_checkpoint(key, note) for key in signing.public_keys().values())


def _shown(values: Sequence[int]) -> list[int | str]:
    return [SUPPRESSED if value is None else value for value in suppress_small(values, MIN_CELL)]


def _total(value: int) -> int | None:
    return value if value >= MIN_CELL else None


def _events_by_agreement(
    organisation: Organisation, start: datetime, end: datetime
) -> dict[tuple[int, str], int]:
    """Ledger events of the period per (agreement, kind): one aggregate over the ledger."""
    events: dict[tuple[int, str], int] = {}
    rows = (
        LedgerEvent.objects.filter(organisation=organisation, at__gte=start, at__lt=end)
        .values_list("agreement_version__agreement_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for agreement_id, kind, n in rows:
        events[(agreement_id, kind)] = events.get((agreement_id, kind), 0) + n
    return events


def consent_section(organisation: Organisation, year: int) -> ReportSection | None:
    """Per agreement: consents given and withdrawn and partner checks; the latest checkpoint."""
    if not organisation.is_city:
        return None
    title = _("Consent-based data sharing")
    day = report_date(year)
    start, end = period(year)
    slug = organisation.slug
    url = reverse("consent:public_agreements", kwargs={"org": slug})
    agreements = list(
        ProcessingAgreement.objects.filter(organisation=organisation).order_by(
            order_text("title"), "id"
        )
    )
    events = counted(
        ("consent.events", organisation.pk, start, end),
        lambda: _events_by_agreement(organisation, start, end),
    )
    checks: dict[int | None, int] = dict(
        ConsentCheck.objects.filter(organisation=organisation, at__gte=start, at__lt=end)
        .values_list("agreement_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("agreement_id", "n")
    )
    granted = [
        events.get((a.pk, EventKind.GRANT), 0) + events.get((a.pk, EventKind.RENEW), 0)
        for a in agreements
    ]
    withdrawn = [events.get((a.pk, EventKind.WITHDRAW), 0) for a in agreements]
    checked = [checks.get(a.pk, 0) for a in agreements]
    unnamed = checks.get(None, 0)
    checkpoint = (
        Checkpoint.objects.filter(at__lt=end_of(day)).order_by("-size").first()
        if agreements
        else None
    )
    if not (sum(granted) or sum(withdrawn) or sum(checked) or unnamed):
        return ReportSection.nothing(
            "consent",
            title,
            _("No consent was given or withdrawn and no partner checked a consent in %(year)s.")
            % {"year": year},
            url=url,
        )
    withheld_note = _(
        "Counts under %(n)d are not published, so no small group of residents can be singled out."
    ) % {"n": MIN_CELL}
    total_checks = sum(checked) + unnamed
    figures = [
        Figure(
            "granted",
            _("Consents given"),
            _total(sum(granted)),
            "",
            _(
                "Consents residents gave or renewed in %(year)s, over all the city's "
                "agreements, counted from the consent ledger."
            )
            % {"year": year}
            + " "
            + withheld_note,
            url,
            suppressed=sum(granted) < MIN_CELL,
        ),
        Figure(
            "withdrawn",
            _("Consents withdrawn"),
            _total(sum(withdrawn)),
            "",
            _("Consents residents withdrew in %(year)s, counted from the consent ledger.")
            % {"year": year}
            + " "
            + withheld_note,
            url,
            suppressed=sum(withdrawn) < MIN_CELL,
        ),
        Figure(
            "checks",
            _("Consent checks by partners"),
            _total(total_checks),
            "",
            _(
                "Times a partner organisation asked whether a resident had consented, before "
                "using their data, in %(year)s."
            )
            % {"year": year}
            + " "
            + withheld_note,
            url,
            suppressed=total_checks < MIN_CELL,
        ),
    ]
    table_rows = tuple(
        zip(
            [a.title for a in agreements],
            _shown(granted),
            _shown(withdrawn),
            _shown(checked),
            strict=True,
        )
    )
    tables = [
        Table(
            "agreements",
            _("Consents and checks per agreement in %(year)s") % {"year": year},
            (_("Agreement"), _("Consents given"), _("Consents withdrawn"), _("Partner checks")),
            table_rows,
            _(
                "“<” stands for a count under %(n)d, or for a count withheld so that such a "
                "count cannot be worked out from the total."
            )
            % {"n": MIN_CELL},
        )
    ]
    if checkpoint is not None:
        verified = checkpoint_verifies(checkpoint)
        figures.append(
            Figure(
                "checkpoint-size",
                _("Ledger events covered by the latest checkpoint"),
                checkpoint.size,
                "",
                _(
                    "The consent ledger of the whole installation at its latest signed "
                    "checkpoint of %(day)s or before; the signature was checked against the "
                    "published keys when these figures were taken."
                )
                % {"day": day_words(day)},
                LATEST_CHECKPOINT_PATH,
            )
        )
        tables.append(
            Table(
                "checkpoint",
                _("Latest signed checkpoint of the consent ledger"),
                (_("What"), _("Value")),
                (
                    (_("Signed at (UTC)"), checkpoint.at.strftime("%Y-%m-%d %H:%M:%S")),
                    (_("Events in the ledger"), checkpoint.size),
                    (_("Merkle root (SHA-256)"), checkpoint.root),
                    (
                        _("Signature"),
                        _("verifies with the published key")
                        if verified
                        else _("does not verify with any published key"),
                    ),
                ),
            )
        )
    return ReportSection(
        key="consent",
        title=title,
        introduction=_(
            "Residents decide which of their data the city shares with whom and why; partners "
            "ask before each use. Only totals are published."
        ),
        figures=tuple(figures),
        tables=tuple(tables),
        url=url,
    )


def register(registry: Registry) -> None:
    """Contribute the consent-based sharing section."""
    registry.add_report_section("consent", consent_section, 50)
