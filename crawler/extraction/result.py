"""What extraction hands to the rest of govwatch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attachment:
    """A linked file (pdf, doc, ofd, xls, zip…). ``sha256``/``size`` are filled once downloaded."""

    name: str
    url: str
    sha256: str | None = None
    size: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "sha256": self.sha256}


@dataclass(frozen=True)
class Extraction:
    """One detail page, extracted.

    ``text`` is the body as published (script unchanged), cleaned of page chrome and converter
    debris, paragraphs separated by ``\\n``, a table row a line with its cells separated by
    tabs. ``metadata`` uses the canonical keys of DESIGN.md (``index_no``, ``publisher``,
    ``status``…), dates as YYYY-MM-DD and placeholders as None; ``metadata_raw`` keeps every
    label and value as the page shows them, and the CMS's <meta> tags as ``meta:<Name>``.
    ``warnings`` says what is missing or doubtful (no body, no metadata, a declared charset
    that didn't fit, GBK decoded at the wrong offset in the published text).
    """

    url: str
    title: str | None
    text: str
    metadata: dict[str, str | None]
    metadata_raw: dict[str, str]
    attachments: tuple[Attachment, ...]
    published: str | None
    encoding: str
    extractor_version: str
    warnings: tuple[str, ...] = field(default=())
    # The document is a file (a list row linking straight to a PDF): ``crawler.extraction.files``
    is_file: bool = False

    @property
    def has_body(self) -> bool:
        return bool(self.text.strip())

    @property
    def has_metadata(self) -> bool:
        """Whether the page states any metadata: label/value pairs or CMS <meta> tags."""
        return bool(self.metadata_raw)

    def as_dict(self) -> dict[str, Any]:
        """The export's document fields (DESIGN.md), for ``govwatch extract``, and what only
        extraction knows (published, encoding, extractor_version, warnings)."""
        return {
            "type": "document",
            "url": self.url,
            "title": self.title,
            "metadata": self.metadata,
            "metadata_raw": self.metadata_raw,
            "text": self.text,
            "attachments": [a.as_dict() for a in self.attachments],
            "published": self.published,
            "encoding": self.encoding,
            "extractor_version": self.extractor_version,
            "warnings": list(self.warnings),
        }
