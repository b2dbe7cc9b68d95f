"""A published version's PDFs: laid out once per language when it is published, kept as files.

Laying out a whole report takes seconds, far too long for a resident who clicks "PDF". A
published version never changes, so :func:`lay_out_all` makes each language's PDF right
after the publication commits and stores it (``ReportPdf``: the file in the default storage
and the SHA-256 of its bytes). A download (:func:`pdf_of`) reads the stored file and serves
it when its bytes still match the recorded digest. When the file or its row is missing or
the bytes differ (a database restored without the media folder, a file damaged on disk), the
download lays the PDF out once, stores it again and serves it; later downloads read the
new file.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from cityrights.core.pdf import PdfError

from . import content, printing, selectors
from .models import AnnualReport, ReportPdf

logger = logging.getLogger(__name__)


class NoSuchLanguage(LookupError):
    """The published version has no text in the language asked for."""


def stored(report: AnnualReport, language: str) -> bytes | None:
    """The stored PDF of ``report`` in ``language`` if its file is there and intact."""
    record = ReportPdf.objects.filter(report=report, language=language).first()
    if record is None:
        return None
    try:
        with record.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        logger.warning("The PDF %s of %s is missing; laying it out again.", record.file, report)
        return None
    if hashlib.sha256(data).hexdigest() != record.sha256:
        logger.warning("The PDF file %s of %s changed; laying it out again.", record.file, report)
        return None
    return bytes(data)


def lay_out(report: AnnualReport, language: str, document: dict | None = None) -> bytes:
    """Lay out the PDF of ``report`` in ``language`` from its frozen document and store it."""
    if document is None:
        document = selectors.published_content(report)
    if language not in document.get("languages", []):
        raise NoSuchLanguage(language)
    data = printing.render_pdf(content.read(document, language), report.organisation)
    _store(report, language, data)
    return data


def _store(report: AnnualReport, language: str, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    record = ReportPdf(report=report, language=language, sha256=digest, size=len(data))
    record.file.save(f"{language}-{digest[:16]}.pdf", ContentFile(data), save=False)
    with transaction.atomic():
        old = ReportPdf.objects.select_for_update().filter(report=report, language=language)
        previous = old.first()
        if previous is None:
            try:
                with transaction.atomic():
                    record.save()
            except IntegrityError:
                # Another download stored the same PDF a moment earlier: keep that one.
                record.file.delete(save=False)
            return
        earlier_file = previous.file.name
        previous.file.name = record.file.name
        previous.sha256 = digest
        previous.size = len(data)
        previous.save()
    if earlier_file and earlier_file != record.file.name:
        previous.file.storage.delete(earlier_file)


def pdf_of(report: AnnualReport, language: str) -> bytes:
    """The PDF residents download: the stored file, or laid out once when it is missing."""
    data = stored(report, language)
    if data is None:
        data = lay_out(report, language)
    return data


def lay_out_all(report: AnnualReport) -> None:
    """Lay out and store the PDF of every language of a published version.

    Run after the publication commits. A language that fails is logged and left to its
    first download, which tries again; the publication itself stands.
    """
    document = selectors.published_content(report)
    for language in document.get("languages", []):
        try:
            lay_out(report, language, document)
        except PdfError:
            logger.exception("The %s PDF of %s could not be laid out.", language, report)
