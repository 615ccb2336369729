"""What each subscriber is told: filters, order, the change itself, links, both languages, the
subject line, the section on failing sites, and cadences (frozen time)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine

from monitor import outbox
from monitor.config import Config
from monitor.digest import Digest, _catalog, render_digest, translate
from monitor.store.db import Database
from monitor.store.deliveries import OutboxRepository
from monitor.templating import percent, templates_dir
from tests.monitor.digest_world import NOW, PLAN, Archive, config

SUBSCRIBERS: list[dict[str, Any]] = [
    {"id": "everything", "email": "all@example.com", "cadence": "immediate"},
    {"id": "yixing-only", "email": "yx@example.com", "sites": ["yixing"], "cadence": "immediate"},
    {"id": "subsidies", "email": "money@example.com", "keywords": ["补贴"],
     "cadence": "immediate"},
    {"id": "county-gov", "email": "gov@example.com", "publishers": ["宜兴市人民政府"],
     "cadence": "immediate"},
    {"id": "validity", "email": "legal@example.com", "events": ["status", "removed"],
     "cadence": "immediate", "language": "en"},
]


def _digests(database: Database, cfg: Config, now: datetime = NOW) -> dict[str, Digest]:
    return {d.subscription.id: d for d in outbox.preview(database, cfg, now=now)}


def _titles(digest: Digest) -> list[str]:
    return [e.title for e in digest.entries]


@pytest.fixture
def archive(database: Database) -> Archive:
    """A baseline crawl of Wuxi, then a day of news on both sites."""
    world = Archive(database, now=NOW - timedelta(days=1))
    world.subscribe(config(subscriptions=SUBSCRIBERS))
    for i in range(3):
        world.document("wuxi-fgw", f"无锡市旧文件{i}", baseline=True)
    world.now = NOW - timedelta(hours=3)
    plan = world.document("wuxi-fgw", "无锡市2026年国民经济和社会发展计划",
                          doc_no="锡发改〔2026〕8号")
    world.document("wuxi-fgw", "关于申报2026年度工业企业技改项目的通知",
                   text="各有关单位：现将申报工作通知如下。符合条件的给予補貼。")  # traditional
    world.document("yixing", "宜兴市2026年政府工作报告", text="坚持稳中求进。",
                   publisher="宜兴市人民政府")
    old = world.document("yixing", "宜兴市2019年农业扶持办法", text="农业扶持。",
                         publisher="宜兴市农业农村局")
    world.now = NOW - timedelta(hours=1)
    world.revise(plan, text=PLAN.replace("增长7%左右", "增长6.5%左右"))
    world.revise(old, status="失效", text="农业扶持（已废止）。")
    return world


def test_each_subscriber_gets_what_their_filters_ask_for(database: Database,
                                                         archive: Archive) -> None:
    digests = _digests(database, config(subscriptions=SUBSCRIBERS))
    everything = digests["everything"]
    assert [e.kind for e in everything.entries] == ["status", "new", "new", "new", "new",
                                                    "changed"]
    assert everything.baselines == (("无锡市发展和改革委员会", 3),)
    assert _titles(digests["yixing-only"]) == [
        "宜兴市2019年农业扶持办法", "宜兴市2026年政府工作报告", "宜兴市2019年农业扶持办法"]
    # Keywords match the title or the text, in either script.
    assert sorted(_titles(digests["subsidies"])) == sorted([
        "无锡市2026年国民经济和社会发展计划", "关于申报2026年度工业企业技改项目的通知",
        "无锡市2026年国民经济和社会发展计划"])
    assert _titles(digests["county-gov"]) == ["宜兴市2026年政府工作报告"]
    assert [e.kind for e in digests["validity"].entries] == ["status"]
    assert digests["validity"].baselines == ()


def test_a_status_change_that_edited_the_text_is_one_entry_with_both(
        database: Database, archive: Archive) -> None:
    digest = _digests(database, config(subscriptions=SUBSCRIBERS))["everything"]
    status = digest.by_kind("status")[0]
    assert len(status.event_ids) == 2
    assert [(c.key, c.old, c.new) for c in status.status_changes] == [("status", "有效", "失效")]
    assert status.excerpt, "the text change is shown under the status change"


def _parse(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.links += [v for k, v in attrs if k == "href" and v]


def test_the_mail_shows_the_change_itself_with_links_back(database: Database,
                                                          archive: Archive) -> None:
    cfg = config(subscriptions=SUBSCRIBERS[:1])
    composed = outbox.compose(database, cfg, now=NOW)
    msg = _parse(composed[0].message.body)
    subject = str(msg["Subject"])
    assert subject == ("[govwatch] 1 项效力变更，4 篇新文件，1 篇修改，"
                       "无锡市发展和改革委员会 已建档 3 篇 — "
                       "宜兴市人民政府等 2 个网站 · 2026-03-02")
    html_part, text_part = msg.get_body(("html",)), msg.get_body(("plain",))
    assert html_part is not None and text_part is not None
    html, text = html_part.get_content(), text_part.get_content()
    # Status first, then new documents, then changes.
    assert html.index("效力变更") < html.index("新文件") < html.index("内容修改")
    # The numeric headline and the character-level diff.
    assert "地区生产总值增长" in html and "6.5%" in html
    assert re.search(r"<del[^>]*>7%</del><ins[^>]*>6\.5%</ins>", html)
    assert "地区生产总值增长 7% → 6.5%" in text and "[-7%-]{+6.5%+}" in text
    # Baseline as one line; no list of the archived documents.
    assert "无锡市发展和改革委员会：首次抓取，已建档 3 篇" in html and "无锡市旧文件0" not in html
    parser = _Links()
    parser.feed(html)
    assert "script" not in parser.tags and "style" not in parser.tags
    assert any(re.fullmatch(r"http://archive\.example\.org/documents/\d+/diff\?a=1&b=2", link)
               for link in parser.links)
    assert any(re.fullmatch(r"http://archive\.example\.org/documents/\d+", link)
               for link in parser.links)
    assert "http://archive.example.org/documents/" in text


def test_a_small_edit_in_a_long_text_is_not_called_100_percent_similar(
        database: Database) -> None:
    world = Archive(database)
    cfg = config()
    world.subscribe(cfg)
    long = "\n".join(f"第{i}条 各有关单位应当按照本办法规定的程序申报专项资金，逐级审核后报送。"
                      for i in range(200))
    doc = world.document("wuxi-fgw", "专项资金管理办法", text=long)
    world.revise(doc, text=long.replace("第7条 各有关单位应当", "第7条 各有关单位必须", 1))
    _, _, html = render_digest(_digests(database, cfg)["analyst"], cfg)
    assert "与上一版相似度 99.9%" in html


def test_a_value_moved_to_another_column_shows_the_cell_border(database: Database) -> None:
    world = Archive(database)
    cfg = config()
    world.subscribe(cfg)
    table = "抽检结果如下。\n企业名称\t合格\t不合格\n示例食品有限公司\t√\t"
    doc = world.document("wuxi-fgw", "食品安全抽检信息", text=table)
    world.revise(doc, text=table.replace("\t√\t", "\t\t√"))
    _, text, html = render_digest(_digests(database, cfg)["analyst"], cfg)
    assert "│</ins>" in html and "│</del>" in html
    assert "{+│+}" in text and "[-│-]" in text


def test_a_removal_says_how_it_was_seen(database: Database) -> None:
    world = Archive(database)
    cfg = config()
    world.subscribe(cfg)
    gone = world.document("wuxi-fgw", "关于开展2026年度专项资金申报的通知")
    withdrawn = world.document("wuxi-fgw", "无锡市2026年重点项目清单")
    online = world.document("wuxi-fgw", "无锡市2026年招商引资奖励办法")
    world.removed(gone)
    world.removed(withdrawn, {"unlisted": True, "online": False})
    world.removed(online, {"unlisted": True, "online": True})
    _, text, html = render_digest(_digests(database, cfg)["analyst"], cfg)
    for part in (text, html):
        assert part.count("已连续两次在网站上找不到此文件") == 1
        assert part.count("已连续两次不在所属栏目的列表中（最后一版存档可查）") == 1
        assert part.count("已连续两次不在所属栏目的列表中，但原网页仍可访问") == 1
    english = config(subscriptions=[{"id": "en", "email": "en@example.com",
                                     "language": "en"}])
    world.subscribe(english)
    _, text, _ = render_digest(_digests(database, english)["en"], english)
    assert "though its page still answers" in text


@pytest.mark.parametrize(("value", "shown"), [
    (None, ""), (1.0, "100.0%"), (0.9996, "99.9%"), (0.9951, "99.5%"), (0.5, "50.0%"),
    (0.0004, "0.1%"), (0.0, "0.0%")])
def test_percent_never_rounds_a_change_away(value: float | None, shown: str) -> None:
    assert percent(value) == shown


def test_markup_in_titles_is_escaped(database: Database) -> None:
    world = Archive(database)
    cfg = config()
    world.subscribe(cfg)
    world.document("wuxi-fgw", "<script>alert('x')</script>关于<b>加强</b>管理的通知")
    _, text, html = render_digest(_digests(database, cfg)["analyst"], cfg)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;加强" in html
    assert "<script>alert('x')</script>" in text   # plain text is not HTML


def test_english_uses_the_same_templates(database: Database, archive: Archive) -> None:
    cfg = config(subscriptions=SUBSCRIBERS)
    subject, text, html = render_digest(_digests(database, cfg)["validity"], cfg)
    assert subject == "[govwatch] 1 status change — 宜兴市人民政府 · 2026-03-02"
    assert '<html lang="en">' in html and "Status changes" in html and "Validity" in html
    assert "效力变更" not in html and "首次抓取" not in text
    assert "You receive this because subscription “validity” watches: all sites" in text


def test_a_flood_is_listed_in_part_and_counted_in_full(database: Database) -> None:
    world = Archive(database)
    cfg = config()
    world.subscribe(cfg)
    doc = world.document("yixing", "将要失效的文件")
    world.revise(doc, status="失效")
    for i in range(44):
        world.document("wuxi-fgw", f"第{i}号文件")
    digest = _digests(database, cfg)["analyst"]
    html = render_digest(digest, cfg)[2]
    assert len(digest.event_ids) == 46
    # 40 listed: the status change first, then 39 of the 45 new documents.
    assert len(digest.shown("status")) == 1 and digest.hidden("new") == 6
    assert "另有 6 篇未列出" in html and "第43号文件" not in html and "45 篇新文件" in html
    assert len(html.encode()) < 102_000, "Gmail clips longer messages"


def test_failing_sites_section(database: Database) -> None:
    world = Archive(database)
    cfg = config()
    world.subscribe(cfg)
    world.document("wuxi-fgw", "关于某事的通知")
    world.run("yixing", "ok", at=NOW - timedelta(days=2))
    world.run("yixing", "failed", "HTTP 503 on every list page", at=NOW - timedelta(hours=2))
    world.run("wuxi-fgw", "blocked", "JavaScript challenge", at=NOW - timedelta(hours=3))
    world.run("wuxi-fgw", "ok", at=NOW - timedelta(hours=1))
    digest = _digests(database, cfg)["analyst"]
    problems = {p.site_id: p for p in digest.problems}
    assert problems["yixing"].new and not problems["yixing"].recovered
    assert problems["wuxi-fgw"].recovered and not problems["wuxi-fgw"].new
    _, text, html = render_digest(digest, cfg)
    assert "抓取失败的网站" in html and "HTTP 503 on every list page" in html
    assert "已恢复正常" in text and "自 2026-03-02 07:30 起持续失败" in text


def test_every_string_exists_in_both_languages() -> None:
    catalog = _catalog()
    for key, entry in catalog.items():
        assert {"zh", "en"} <= set(entry), key
    used: set[str] = set()
    for path in (templates_dir() / "email").iterdir():
        if path.suffix in (".html", ".txt", ".md"):
            source = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"""t\("([a-z_.]+)"[,)]""", source))
            for prefix in re.findall(r"""t\("([a-z_.]+\.)" ~""", source):
                assert any(k.startswith(prefix) for k in catalog), prefix
    assert used and used <= set(catalog), used - set(catalog)
    assert translate("count.new", "en", n=1) == "1 new document"
    assert translate("count.new", "en", n=1234) == "1,234 new documents"
    assert translate("count.new", "zh", n=1234) == "1,234 篇新文件"


# ------------------------------------------------------------------------------- cadences


def _sent_subjects(database: Database) -> list[str]:
    with database.session() as session:
        return [m.subject for m in OutboxRepository(session).messages()]


def test_daily_digest_once_per_schedule_time(database: Database) -> None:
    cfg = config(subscriptions=[{"id": "daily", "email": "d@example.com", "cadence": "daily"}])
    shanghai = timedelta(hours=8)
    world = Archive(database)
    with time_machine.travel(datetime(2026, 3, 2, 7, 0, tzinfo=UTC) - shanghai, tick=False):
        world.now = datetime.now(UTC)
        world.subscribe(cfg)
        # 07:00: yesterday's 08:00 digest was never served: due, but nothing to say.
        assert outbox.compose(database, cfg) == []
    with time_machine.travel(datetime(2026, 3, 2, 7, 30, tzinfo=UTC) - shanghai, tick=False):
        world.now = datetime.now(UTC)
        world.document("wuxi-fgw", "早上七点半的文件")
        assert outbox.compose(database, cfg) == [], "waits for 08:00"
    with time_machine.travel(datetime(2026, 3, 2, 8, 5, tzinfo=UTC) - shanghai, tick=False):
        assert len(outbox.compose(database, cfg)) == 1
        assert outbox.compose(database, cfg) == []
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC) - shanghai, tick=False):
        world.now = datetime.now(UTC)
        world.document("wuxi-fgw", "上午十点的文件")
        assert outbox.compose(database, cfg) == [], "the next digest is tomorrow at 08:00"
    with time_machine.travel(datetime(2026, 3, 3, 8, 0, 30, tzinfo=UTC) - shanghai, tick=False):
        composed = outbox.compose(database, cfg)
        assert [c.digest.entries[0].title for c in composed] == ["上午十点的文件"]
    assert len(_sent_subjects(database)) == 2


def test_weekly_digest_on_monday_and_immediate_every_run(database: Database) -> None:
    cfg = config(subscriptions=[
        {"id": "weekly", "email": "w@example.com", "cadence": "weekly"},
        {"id": "now", "email": "n@example.com", "cadence": "immediate"}])
    shanghai = timedelta(hours=8)
    world = Archive(database)
    # Tuesday 2026-03-03: the weekly subscriber was served on Monday.
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC) - shanghai, tick=False):
        world.now = datetime.now(UTC)
        world.subscribe(cfg)
        outbox.compose(database, cfg)
    for day in (3, 4, 8):
        with time_machine.travel(datetime(2026, 3, day, 12, 0, tzinfo=UTC) - shanghai,
                                 tick=False):
            world.now = datetime.now(UTC)
            world.document("yixing", f"3月{day}日的文件")
            composed = {c.digest.subscription.id for c in outbox.compose(database, cfg)}
            assert composed == {"now"}
    with time_machine.travel(datetime(2026, 3, 9, 8, 1, tzinfo=UTC) - shanghai, tick=False):
        composed_items = outbox.compose(database, cfg)
    weekly = [c for c in composed_items if c.digest.subscription.id == "weekly"]
    assert [len(c.digest.entries) for c in weekly] == [3]


def test_several_first_crawls_are_one_phrase_in_the_subject(database: Database) -> None:
    world = Archive(database)
    cfg = config()
    world.subscribe(cfg)
    for i in range(120):
        world.document("wuxi-fgw" if i % 3 else "yixing", f"文件{i}", baseline=True)
    subject, text, _ = render_digest(_digests(database, cfg)["analyst"], cfg)
    assert subject == ("[govwatch] 2 个网站首次抓取，已建档 120 篇 — "
                       "宜兴市人民政府等 2 个网站 · 2026-03-02")
    assert "宜兴市人民政府：首次抓取，已建档 40 篇" in text
    assert "无锡市发展和改革委员会：首次抓取，已建档 80 篇" in text
