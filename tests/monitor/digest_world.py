"""What the digest, outbox, mail and notify tests share: an archive with events written through
the store, a real SMTP server (aiosmtpd) on 127.0.0.1 with faults on demand, a proxy that cuts
connections, and configurations."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import select
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from monitor.changes import Snapshot, compare
from monitor.config import Config
from monitor.store.db import Database
from monitor.store.repository import Repository

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)   # 09:30 in Shanghai, a Monday

SITES = [
    {"id": "wuxi-fgw", "name": "无锡市发展和改革委员会",
     "start_urls": ["http://127.0.0.1:9/fgw/list.html"]},
    {"id": "yixing", "name": "宜兴市人民政府", "start_urls": ["http://127.0.0.1:9/yx/list.html"]},
]

PLAN = ("全市经济社会发展主要预期目标是：地区生产总值增长7%左右；规模以上工业增加值增长8%。\n"
        "重点抓好以下九个方面工作。\n对符合条件的企业给予专项资金补贴。")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def config(smtp_port: int = 25, subscriptions: list[dict[str, Any]] | None = None,
           **smtp: Any) -> Config:
    return Config.model_validate({
        "sites": SITES,
        "subscriptions": subscriptions if subscriptions is not None else [
            {"id": "analyst", "email": "analyst@example.com", "cadence": "immediate"}],
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "sender": "govwatch@example.com",
                 "timeout": 5, **smtp},
        "web": {"base_url": "http://archive.example.org"},
    })


# ----------------------------------------------------------------------------------- archive


@dataclass
class Archive:
    """Documents, versions and events written through ``Repository``, as ingest would."""

    database: Database
    now: datetime = NOW - timedelta(hours=2)
    _n: int = 0

    def subscribe(self, cfg: Config) -> None:
        """Register the subscriptions before the events, as a crawl does."""
        with self.database.session() as session:
            Repository(session).sync_subscriptions([s.id for s in cfg.subscriptions],
                                                   self.now - timedelta(hours=1))

    def site(self, site_id: str) -> None:
        name = next(s["name"] for s in SITES if s["id"] == site_id)
        with self.database.session() as session:
            Repository(session).sync_site(site_id, str(name), self.now)

    def _version(self, repo: Repository, doc_id: int, *, url: str, title: str, text: str,
                 meta: dict[str, Any]) -> int:
        version = repo.add_version(
            doc_id, now=self.now, url=url, title=title, metadata=meta, metadata_raw={},
            text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
            fingerprint=hashlib.sha256(f"{title}{text}{meta}".encode()).hexdigest(),
            attachments=[], published=meta.get("published"), raw_sha256=None,
            http_status=200, content_type="text/html", encoding="utf-8",
            extractor_version="test")
        return version.n

    def document(self, site_id: str, title: str, *, text: str = PLAN,
                 publisher: str = "无锡市发展和改革委员会", status: str = "有效",
                 doc_no: str | None = None, baseline: bool = False) -> int:
        """A new document, version 1 and its ``new`` event; returns the document id."""
        self.site(site_id)
        self._n += 1
        url = f"http://127.0.0.1:9/{site_id}/art_{self._n}.html"
        meta = {"publisher": publisher, "status": status, "published": "2026-03-01",
                "doc_no": doc_no or f"锡发改〔2026〕{self._n}号"}
        with self.database.session() as session:
            repo = Repository(session)
            doc = repo.create_document(site_id, url, now=self.now)
            n = self._version(repo, doc.id, url=url, title=title, text=text, meta=meta)
            repo.add_event(site_id=site_id, document_id=doc.id, run_id=None, kind="new",
                           at=self.now, new_version=n, baseline=baseline,
                           summary={"excerpt_text": text[:200], "publisher": publisher})
            return doc.id

    def revise(self, doc_id: int, *, text: str | None = None, status: str | None = None,
               title: str | None = None) -> list[int]:
        """A new version and the events ingest would record; returns their ids."""
        with self.database.session() as session:
            repo = Repository(session)
            doc = repo.get_document(doc_id)
            assert doc is not None and doc.current_version_id is not None
            old = repo.get_version(doc.current_version_id)
            assert old is not None
            meta = dict(old.metadata)
            if status is not None:
                meta["status"] = status
            new_title = title or old.title or ""
            new_text = text if text is not None else old.text
            n = self._version(repo, doc_id, url=doc.url, title=new_title, text=new_text,
                              meta=meta)
            change = compare(Snapshot(old.title, old.text, old.metadata, []),
                             Snapshot(new_title, new_text, meta, []))
            ids = []
            if change.is_status_change:
                ids.append(repo.add_event(
                    site_id=doc.site_id, document_id=doc_id, run_id=None, kind="status",
                    at=self.now, old_version=old.n, new_version=n, fields=change.status_fields,
                    similarity=change.similarity, summary=change.summary()).id)
            if change.is_change:
                ids.append(repo.add_event(
                    site_id=doc.site_id, document_id=doc_id, run_id=None, kind="changed",
                    at=self.now, old_version=old.n, new_version=n, fields=change.fields,
                    similarity=change.similarity, summary=change.summary()).id)
            return ids

    def removed(self, doc_id: int, summary: dict[str, Any] | None = None) -> int:
        """``summary``: how the removal was seen (monitor.runs: ``unlisted``, ``online``)."""
        with self.database.session() as session:
            repo = Repository(session)
            doc = repo.get_document(doc_id)
            assert doc is not None
            repo.update_document(doc_id, state="removed")
            return repo.add_event(site_id=doc.site_id, document_id=doc_id, run_id=None,
                                  kind="removed", at=self.now,
                                  old_version=doc.version_count, summary=summary).id

    def run(self, site_id: str, status: str, message: str | None = None,
            at: datetime | None = None) -> None:
        self.site(site_id)
        at = at or self.now
        with self.database.session() as session:
            repo = Repository(session)
            run = repo.start_run(site_id, baseline=False, now=at)
            repo.finish_run(run.id, status=status, now=at + timedelta(minutes=5),
                            list_complete=status == "ok", stats={}, message=message)

    def event_ids(self) -> list[int]:
        with self.database.session() as session:
            return [e.id for e in Repository(session).events()]


# -------------------------------------------------------------------------------------- smtp


@dataclass
class Mailbox:
    """The aiosmtpd handler: keeps what it accepts; ``faults`` is a queue of what to do with
    the next messages' DATA ("4xx", "5xx", "keep-and-drop": keep it but never answer,
    "lose-and-drop": neither keep nor answer)."""

    messages: list[Envelope] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    on_accept: Any = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault = self.faults.pop(0) if self.faults else None
        if fault == "4xx":
            return "451 4.3.0 Temporary failure, try again later"
        if fault == "5xx":
            return "554 5.6.0 Message rejected"
        if fault in ("keep-and-drop", "lose-and-drop"):
            if fault == "keep-and-drop":
                self.messages.append(envelope)
            assert server.transport is not None
            server.transport.abort()
            await asyncio.sleep(0)
            return "250 OK (never heard)"
        self.messages.append(envelope)
        if self.on_accept is not None:
            self.on_accept(len(self.messages))
        return "250 2.0.0 OK queued"

    def parsed(self) -> list[EmailMessage]:
        out = []
        for envelope in self.messages:
            data = envelope.original_content or envelope.content
            assert isinstance(data, bytes)
            msg = message_from_bytes(data, policy=default)
            assert isinstance(msg, EmailMessage)
            out.append(msg)
        return out

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        out: dict[str, list[EmailMessage]] = {}
        for msg in self.parsed():
            out.setdefault(str(msg["To"]), []).append(msg)
        return out


def start_smtp(mailbox: Mailbox, **smtp_kwargs: Any) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **smtp_kwargs)
    controller.start()
    return controller


class CuttingProxy:
    """A TCP relay on 127.0.0.1 in front of the SMTP server that can cut the connection in the
    middle of a DATA transfer (``cut_in_data``), or refuse everyone (``refusing``)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.cut_in_data = 0      # cut the next N connections mid-DATA
        self.refusing = False
        self.cut_done = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            cut = self.cut_in_data > 0
            if cut:
                self.cut_in_data -= 1
            threading.Thread(target=self._relay, args=(client, cut), daemon=True).start()

    def _relay(self, client: socket.socket, cut: bool) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        self._open += [client, upstream]
        seen = b""
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([client, upstream], [], [], 0.1)
                for sock in ready:
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    if sock is client:
                        seen += data
                        if cut and b"\r\nDATA\r\n" in seen.upper() and \
                                len(seen) - seen.upper().index(b"\r\nDATA\r\n") > 200:
                            client.close()
                            upstream.close()
                            self.cut_done.set()
                            return  # the body is on its way, the final "." is not
                        upstream.sendall(data)
                    else:
                        client.sendall(data)
        finally:
            client.close()
            upstream.close()

    def drop_all(self) -> None:
        """Cut every open connection now (the server going away mid-run)."""
        for sock in self._open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        self.drop_all()
        self._server.close()
        self._thread.join(timeout=2)
