"""Reading a PDF back the way a person would: its pages' text (pypdf)."""

from __future__ import annotations

import io

import pypdf


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF")
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, in order."""
    return [page.extract_text() for page in pdf_reader(data).pages]
