"""Each departure from Scrapy's defaults in crawler/settings.py says why (kingfisher-collect's
rule), and each GOVWATCH_* setting is documented where it is declared."""

from __future__ import annotations

import ast
from pathlib import Path

from scrapy.settings import default_settings

import crawler.settings as settings

SOURCE = Path(settings.__file__).read_text(encoding="utf-8").splitlines()


def _commented(line_no: int) -> bool:
    """A comment on the setting's own line, or in the block of lines above it."""
    if "#" in SOURCE[line_no - 1]:
        return True
    above = line_no - 2
    while above >= 0 and SOURCE[above].strip():
        if SOURCE[above].lstrip().startswith("#"):
            return True
        above -= 1
    return False


def test_each_departure_from_scrapy_says_why() -> None:
    tree = ast.parse("\n".join(SOURCE))
    silent = []
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
            continue
        name = node.targets[0].id
        if not name.isupper():
            continue
        departs = getattr(default_settings, name, object()) != getattr(settings, name)
        if (name.startswith("GOVWATCH_") or departs) and not _commented(node.lineno):
            silent.append(name)
    assert silent == []


def test_govwatch_settings_are_read_with_their_declared_defaults() -> None:
    from crawler.retry import BackoffRetryMiddleware

    assert settings.GOVWATCH_RETRY_BACKOFF == 2.0
    assert BackoffRetryMiddleware.__init__.__kwdefaults__ == {
        "backoff": settings.GOVWATCH_RETRY_BACKOFF,
        "backoff_max": settings.GOVWATCH_RETRY_BACKOFF_MAX,
        "retry_after_max": settings.GOVWATCH_RETRY_AFTER_MAX}
