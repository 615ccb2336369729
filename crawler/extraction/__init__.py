"""Extraction: one detail page's bytes to text, title, metadata and attachments."""

from crawler.extraction.page import EXTRACTOR_VERSION, ExtractOptions, extract
from crawler.extraction.result import Attachment, Extraction

__all__ = ["EXTRACTOR_VERSION", "Attachment", "ExtractOptions", "Extraction", "extract"]
