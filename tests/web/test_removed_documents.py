"""A removed document's page says how it was seen: its page gone from the site, or withdrawn
from its column (its page perhaps still answering)."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.store.db import Database
from monitor.store.repository import Repository
from monitor.web.app import create_app
from tests.web.archive import DEMO, START, TAX_PAGE, TAX_URL, _Crawler
from tests.web.conftest import SETTINGS, TestClient


@pytest.mark.parametrize(("summary", "shown"), [
    ({}, "已从网站撤下"),
    ({"unlisted": True, "online": False}, "已从栏目撤下</span>"),
    ({"unlisted": True, "online": True}, "已从栏目撤下（原网页仍可访问）"),
], ids=["gone", "withdrawn", "withdrawn-online"])
def test_a_removed_document_says_how(database: Database, summary: dict[str, Any],
                                     shown: str) -> None:
    _Crawler(database).run(DEMO, (TAX_URL, TAX_PAGE))
    with database.session() as session:
        repo = Repository(session)
        doc = repo.find_document(DEMO.id, TAX_URL)
        assert doc is not None
        repo.update_document(doc.id, state="removed")
        repo.add_event(site_id=DEMO.id, document_id=doc.id, run_id=None, kind="removed",
                       at=START, old_version=1, summary=summary)
    with TestClient(create_app(database, SETTINGS, sites_config=(DEMO,)),
                    raise_server_exceptions=False) as client:
        html = client.get(f"/documents/{doc.id}").text
    assert shown in html
    assert ("已从网站撤下" in html) == (not summary)
