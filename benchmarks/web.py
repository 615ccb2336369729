"""Archive browser latency with 100,000 documents: list, search and document pages.

``python -m benchmarks.web [--documents N] [--chars N] [--no-postgres] [--rebuild]``

Builds an archive of N documents (default 100,000; texts cut from the sample documents in
``seeds/samples``, simplified, ~``--chars`` characters each) in SQLite, and in PostgreSQL on
127.0.0.1:5432 when reachable, bulk-inserted through SQLAlchemy Core and indexed with
``monitor.store.search.insert_bodies``. Built archives are kept in ``.bench/`` (SQLite) and the
``bench_web_N`` schema (PostgreSQL) and reused. Then it times requests through the HTTP app
(FastAPI TestClient, in process: routing, queries, templates) and prints p50/p95 per page type
against the 200 ms p95 target. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import random
import re
import socket
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from monitor.store import search
from monitor.store.db import Database, open_database
from monitor.store.schema import Document, Event, Site, Version

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGET_MS = 200.0
SITES = 20
BATCH = 2000

PUBLISHERS = [f"{city}{office}" for city in ("无锡市", "常州市", "宜兴市", "昆山市", "江阴市")
              for office in ("人民政府", "人民政府办公室", "发展和改革委员会", "财政局",
                             "工业和信息化局", "商务局", "科学技术局", "住房和城乡建设局",
                             "自然资源和规划局", "生态环境局")]
CATEGORIES = ["综合政务", "国民经济管理", "财政", "工业、交通", "商贸、海关、旅游",
              "城乡建设、环境保护", "科技、教育", "劳动、人事", "卫生、体育", "农业、林业、水利"]
STATUSES = ["有效"] * 16 + ["失效", "废止", "已修改", None]

SEARCHES = {
    "search 1 char": ["税", "的", "港", "鑫"],
    "search 2 chars": ["补贴", "发展", "招商", "港澳"],
    "search 4 chars": ["专项资金", "营商环境", "乡村振兴", "十四五规"],
}


def _corpus() -> str:
    from crawler.extraction.text import to_simplified

    texts = [Path(p).read_text(encoding="utf-8") for p in sorted(
        glob.glob(str(ROOT / "seeds" / "samples" / "*.txt")))]
    return re.sub(r"\s+", "", to_simplified("".join(texts)))


def _documents(n: int, chars: int, rnd: random.Random) -> Iterator[dict[str, Any]]:
    corpus = _corpus()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        paragraphs, size = [], 0
        target = rnd.randint(chars // 2, chars * 3 // 2)
        while size < target:
            at = rnd.randrange(len(corpus) - 200)
            piece = corpus[at:at + rnd.randint(40, 160)]
            paragraphs.append(piece)
            size += len(piece)
        title_at = rnd.randrange(len(corpus) - 40)
        title = "关于" + corpus[title_at:title_at + rnd.randint(8, 24)] + "的通知"
        day = start - timedelta(days=rnd.randrange(16 * 365))
        yield {
            "id": i, "site": f"site-{i % SITES:02d}", "title": title,
            "publisher": rnd.choice(PUBLISHERS), "category": rnd.choice(CATEGORIES),
            "status": rnd.choice(STATUSES), "doc_no": f"锡政发〔{day.year}〕{i % 300}号",
            "published": day.date().isoformat() if rnd.random() > 0.03 else None,
            "text": "\n".join(paragraphs), "changed": rnd.random() < 0.1,
        }


def populate(database: Database, n: int, chars: int) -> None:
    """Bulk-load N documents (one version each, a tenth with a second) and index them."""
    rnd = random.Random(20260301)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with database.engine.begin() as conn:
        conn.execute(insert(Site), [{"id": f"site-{s:02d}", "name": f"测试市第{s + 1}政府网站",
                                     "created_at": now, "baseline_at": now}
                                    for s in range(SITES)])
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        docs, versions, events, bodies = [], [], [], []
        for d in batch:
            meta = {"publisher": d["publisher"], "category": d["category"],
                    "status": d["status"], "doc_no": d["doc_no"], "published": d["published"]}
            raw = {"发布机构": d["publisher"], "主题分类": d["category"],
                   "效力状况": d["status"] or "", "文号": d["doc_no"]}
            count = 2 if d["changed"] else 1
            url = f"http://bench.example/{d['site']}/art_{d['id']}.html"
            for n_ in range(1, count + 1):
                body = d["text"] if n_ == count else d["text"].replace("。", "；", 3)
                versions.append({
                    "id": d["id"] if n_ == 1 else n + d["id"], "document_id": d["id"], "n": n_,
                    "created_at": now + timedelta(days=n_), "url": url, "title": d["title"],
                    "meta": meta, "meta_raw": raw, "text": body,
                    "text_sha256": hashlib.sha256(body.encode()).hexdigest(),
                    "fingerprint": hashlib.sha256(f"{d['id']}/{n_}".encode()).hexdigest(),
                    "attachments": [], "published": d["published"], "raw_sha256": None,
                    "http_status": 200, "content_type": "text/html", "encoding": "utf-8",
                    "extractor_version": "bench", "cause": "crawl"})
            docs.append({
                "id": d["id"], "site_id": d["site"], "url": url, "state": "active",
                "first_seen": now, "last_seen": now, "last_checked": now,
                "last_changed": now + timedelta(days=count),
                "current_version_id": d["id"] if count == 1 else n + d["id"],
                "version_count": count, "gone_runs": 0, "title": d["title"],
                "publisher": d["publisher"], "category": d["category"], "status": d["status"],
                "doc_no": d["doc_no"], "published": d["published"]})
            events.append({"site_id": d["site"], "document_id": d["id"], "kind": "new",
                           "at": now, "new_version": 1, "baseline": True, "fields": {},
                           "summary": {}})
            if count == 2:
                events.append({"site_id": d["site"], "document_id": d["id"], "kind": "changed",
                               "at": now + timedelta(days=2), "old_version": 1,
                               "new_version": 2, "baseline": False, "fields": {},
                               "similarity": 0.99, "summary": {}})
            bodies.append((d["id"], search.document_body(d["title"], d["doc_no"],
                                                         d["publisher"], d["text"])))
        with database.engine.begin() as conn:
            conn.execute(insert(Document), docs)
            conn.execute(insert(Version), versions)
            conn.execute(insert(Event), events)
            search.insert_bodies(conn, bodies)
        batch.clear()

    started = time.perf_counter()
    for i, doc in enumerate(_documents(n, chars, rnd), 1):
        batch.append(doc)
        if len(batch) >= BATCH:
            flush()
        if i % 20000 == 0:
            print(f"  {i:,} documents loaded ({time.perf_counter() - started:.0f} s)",
                  flush=True)
    if batch:
        flush()
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.execute(text("INSERT INTO search_trigram(search_trigram) VALUES ('optimize')"))
            conn.execute(text("INSERT INTO search_grams(search_grams) VALUES ('optimize')"))


def _count(database: Database) -> int:
    with database.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM documents")).scalar() or 0)


def sqlite_archive(n: int, chars: int, rebuild: bool) -> Database:
    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / f"web-sqlite-{n}-{chars}.db"
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    database = open_database(f"sqlite:///{path}")
    if _count(database) != n:
        print(f"building SQLite archive {path} …", flush=True)
        database.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = open_database(f"sqlite:///{path}")
        started = time.perf_counter()
        populate(database, n, chars)
        print(f"  built in {time.perf_counter() - started:.0f} s, "
              f"{path.stat().st_size / 2**20:.0f} MB", flush=True)
    return database


def postgres_archive(n: int, chars: int, rebuild: bool) -> Database | None:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        print("PostgreSQL is not reachable on 127.0.0.1:5432: skipped")
        return None
    schema = f"bench_web_{n}_{chars}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if rebuild:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    database = open_database(f"{PG_ADMIN}?options=-csearch_path%3D{schema}")
    if _count(database) != n:
        print(f"building PostgreSQL archive (schema {schema}) …", flush=True)
        with database.engine.begin() as conn:
            conn.execute(text("TRUNCATE search_documents, events, versions, documents, sites "
                              "CASCADE"))
        started = time.perf_counter()
        populate(database, n, chars)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return database


def _timed(get: Callable[[str], Any], paths: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            response = get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            times.append(elapsed)
    return times


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(q * (len(ordered) - 1)), len(ordered) - 1)]


def measure(database: Database, n: int, label: str) -> dict[str, dict[str, float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from monitor.web.app import create_app
    from monitor.web.settings import WebSettings

    rnd = random.Random(7)
    app = create_app(database, WebSettings(base_url="http://testserver"))
    groups: dict[str, list[str]] = {
        "list": ["/documents", "/documents?page=2", f"/documents?page={n // 50 // 2}",
                 "/documents?site=site-03", f"/documents?publisher={PUBLISHERS[7]}",
                 "/documents?status=废止", "/documents?changed=true",
                 "/documents?date_from=2015-01-01&date_to=2015-12-31",
                 f"/documents?category={CATEGORIES[2]}&site=site-05", "/"],
        "document": [f"/documents/{rnd.randint(1, n)}" for _ in range(20)],
    }
    for name, queries in SEARCHES.items():
        groups[name] = [f"/documents?q={q}" for q in queries] + \
            [f"/documents?q={queries[0]}&site=site-02", f"/api/v1/documents?q={queries[1]}"]
    results: dict[str, dict[str, float]] = {}
    with TestClient(app) as client:
        _timed(client.get, [p for paths in groups.values() for p in paths], 1)   # warm up
        for name, paths in groups.items():
            times = _timed(client.get, paths, rounds=5)
            results[name] = {"p50": statistics.median(times), "p95": _p(times, 0.95),
                             "max": max(times), "n": len(times)}
    print(f"\n{label}: {n:,} documents")
    print(f"  {'page':<16}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'requests':>10}  target p95 "
          f"< {TARGET_MS:.0f} ms")
    for name, r in results.items():
        verdict = "ok" if r["p95"] < TARGET_MS else "SLOW"
        print(f"  {name:<16}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['max']:>9.1f}{r['n']:>10}  "
              f"{verdict}")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=600,
                        help="mean body length in characters")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="build the archives again")
    args = parser.parse_args(argv if argv is not None else [])
    figures: dict[str, Any] = {}
    database = sqlite_archive(args.documents, args.chars, args.rebuild)
    figures["sqlite"] = measure(database, args.documents, "SQLite")
    database.dispose()
    if not args.no_postgres:
        pg = postgres_archive(args.documents, args.chars, args.rebuild)
        if pg is not None:
            figures["postgresql"] = measure(pg, args.documents, "PostgreSQL")
            pg.dispose()
    print("\n" + json.dumps({"documents": args.documents, "chars": args.chars, **figures},
                            ensure_ascii=False))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
