"""Digests: compose, render and send through the outbox to a real SMTP server on 127.0.0.1.

An archive with a baseline crawl of 2,000 documents, then 300 changed and 200 new documents over
two sites; 50 subscribers with mixed filters; one immediate digest each. Prints compose time,
render time per digest and messages per second through the outbox (aiosmtpd on loopback).

    python -m benchmarks digests              # SQLite in a temporary folder
    GOVWATCH_BENCH_DB=postgresql+psycopg://… python -m benchmarks digests
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor import outbox
from monitor.changes import Snapshot, compare
from monitor.config import Config
from monitor.digest import render_digest
from monitor.store.db import Database, open_database
from monitor.store.repository import Repository

SITES = [{"id": "wuxi-fgw", "name": "无锡市发展和改革委员会",
          "start_urls": ["http://127.0.0.1:9/fgw/"]},
         {"id": "yixing", "name": "宜兴市人民政府", "start_urls": ["http://127.0.0.1:9/yx/"]}]
TEXT = ("全市经济社会发展主要预期目标是：地区生产总值增长{g}%左右；规模以上工业增加值增长8%。\n"
        "重点抓好以下九个方面工作。\n对符合条件的企业给予专项资金补贴，每家不超过{m}万元。\n") * 3


def _subscribers(n: int) -> list[dict[str, Any]]:
    subs: list[dict[str, Any]] = []
    for i in range(n):
        sub: dict[str, Any] = {"id": f"s{i}", "email": f"s{i}@example.com",
                               "cadence": "immediate"}
        if i % 4 == 1:
            sub["sites"] = ["yixing"]
        elif i % 4 == 2:
            sub["keywords"] = ["补贴", "专项资金"]
        elif i % 4 == 3:
            sub["events"] = ["status", "changed"]
        subs.append(sub)
    return subs


def _seed(database: Database, now: datetime) -> None:
    with database.session() as session:
        repo = Repository(session)
        for site in SITES:
            repo.sync_site(str(site["id"]), str(site["name"]), now)
        docs = []
        for i in range(2500):
            site = "wuxi-fgw" if i % 2 else "yixing"
            doc = repo.create_document(site, f"http://127.0.0.1:9/{site}/{i}.html", now=now)
            text = TEXT.format(g=7, m=50 + i % 7)
            meta = {"publisher": str(SITES[i % 2]["name"]), "status": "有效",
                    "doc_no": f"锡发改〔2026〕{i}号"}
            version = repo.add_version(
                doc.id, now=now, url=doc.url, title=f"关于第{i}号事项的通知", metadata=meta,
                metadata_raw={}, text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                fingerprint=f"{i}", attachments=[], published="2026-03-01", raw_sha256=None,
                http_status=200, content_type="text/html", encoding="utf-8",
                extractor_version="bench")
            repo.add_event(site_id=site, document_id=doc.id, run_id=None, kind="new", at=now,
                           new_version=version.n, baseline=i < 2000)
            docs.append((doc.id, site, version, meta))
        for doc_id, site, old, meta in docs[:300]:
            text = old.text.replace("增长7%", "增长6.5%")
            new_meta = dict(meta, status="失效") if doc_id % 10 == 0 else meta
            new = repo.add_version(
                doc_id, now=now, url=old.url, title=old.title, metadata=new_meta,
                metadata_raw={}, text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                fingerprint=f"{doc_id}b", attachments=[], published="2026-03-01",
                raw_sha256=None, http_status=200, content_type="text/html", encoding="utf-8",
                extractor_version="bench")
            change = compare(Snapshot(old.title, old.text, meta, []),
                             Snapshot(new.title, text, new_meta, []))
            if change.is_status_change:
                repo.add_event(site_id=site, document_id=doc_id, run_id=None, kind="status",
                               at=now, old_version=1, new_version=2, fields=change.status_fields,
                               similarity=change.similarity, summary=change.summary())
            repo.add_event(site_id=site, document_id=doc_id, run_id=None, kind="changed",
                           at=now, old_version=1, new_version=2, fields=change.fields,
                           similarity=change.similarity, summary=change.summary())


def main() -> None:
    from aiosmtpd.controller import Controller

    class Sink:
        count = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            Sink.count += 1
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("GOVWATCH_BENCH_DB") or f"sqlite:///{Path(folder) / 'bench.db'}"
        database = open_database(url)
        now = datetime.now(UTC)
        subs = _subscribers(int(os.environ.get("BENCH_SUBS", "50")))
        config = Config.model_validate({
            "sites": SITES, "subscriptions": subs,
            "smtp": {"host": "127.0.0.1", "port": port, "timeout": 10},
            "web": {"base_url": "http://archive.example.org"}})
        with database.session() as session:
            Repository(session).sync_subscriptions([s["id"] for s in subs],
                                                   now - timedelta(hours=1))
        started = time.perf_counter()
        _seed(database, now)
        print(f"seeded 2,500 documents, 2,830 events in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        composed = outbox.compose(database, config, now=now + timedelta(minutes=1))
        took = time.perf_counter() - started
        events = sum(len(c.digest.event_ids) for c in composed)
        print(f"compose: {len(composed)} digests carrying {events:,} events in {took:.2f} s "
              f"({took / len(composed) * 1000:.0f} ms per subscriber, render included)")

        digest = max((c.digest for c in composed), key=lambda d: len(d.entries))
        rounds = 20
        started = time.perf_counter()
        for _ in range(rounds):
            html = render_digest(digest, config)[2]
        took = (time.perf_counter() - started) / rounds
        print(f"render: largest digest ({len(digest.entries)} entries, {len(html):,} bytes "
              f"HTML) in {took * 1000:.1f} ms")

        started = time.perf_counter()
        report = outbox.send_pending(database, config, now=now + timedelta(minutes=1))
        took = time.perf_counter() - started
        print(f"send: {len(report.sent)} messages to SMTP on 127.0.0.1 in {took:.2f} s = "
              f"{len(report.sent) / took:.0f} messages/s (server counted {Sink.count})")

        # Typical immediate digests: one new document each, small messages.
        later = now + timedelta(minutes=2)
        sent = 0
        took = 0.0
        for round_ in range(4):
            with database.session() as session:
                repo = Repository(session)
                doc = repo.create_document("wuxi-fgw", f"http://127.0.0.1:9/late/{round_}.html",
                                           now=later)
                version = repo.add_version(
                    doc.id, now=later, url=doc.url, title=f"关于专项资金补贴的通知{round_}",
                    metadata={"status": "有效"}, metadata_raw={}, text="补贴。",
                    text_sha256="x", fingerprint=f"late{round_}", attachments=[],
                    published=None, raw_sha256=None, http_status=200, content_type=None,
                    encoding=None, extractor_version="bench")
                repo.add_event(site_id="wuxi-fgw", document_id=doc.id, run_id=None, kind="new",
                               at=later, new_version=version.n)
            outbox.compose(database, config, now=later)
            started = time.perf_counter()
            sent += len(outbox.send_pending(database, config, now=later).sent)
            took += time.perf_counter() - started
            later += timedelta(minutes=1)
        print(f"send: {sent} one-document digests in {took:.2f} s = {sent / took:.0f} "
              "messages/s")
        database.dispose()
    controller.stop()


if __name__ == "__main__":
    main()
