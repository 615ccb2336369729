"""A portal big enough for several workers: ``count`` notices, ten to a list page, each with a
metadata table and a few paragraphs. Revision 1 edits some notices, revokes some, and publishes
new ones, so that a second round has events of every kind to raise exactly once."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

from monitor.demo.server import Page, PortalServer, RequestRecord

PER_PAGE = 10
HTML = "text/html; charset=UTF-8"
_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Revision:
    """What revision 1 does to a portal of ``count`` notices (by notice number)."""

    count: int

    @property
    def edited(self) -> range:
        return range(1, self.count, 7)

    @property
    def revoked(self) -> range:
        return range(3, self.count, 11)

    @property
    def added(self) -> range:
        return range(self.count, self.count + 5)

    @property
    def delisted(self) -> range:
        """Taken off the lists but still served: found again by the rechecks, not removed."""
        return range(5, self.count, 13)


def _number(n: int) -> str:
    return "".join(_DIGITS[int(d)] for d in str(n))


def _detail(n: int, revision: int, rev: Revision) -> str:
    day = date(2021, 1, 1) + timedelta(days=n)
    target = "百分之八" if revision == 1 and n in rev.edited else "百分之七"
    status = "失效" if revision == 1 and n in rev.revoked else "有效"
    paragraphs = [
        f"为贯彻落实市委市政府部署，推进第{_number(n)}批重点项目建设，现将有关事项通知如下。",
        f"一、总体目标。到二〇二五年，全市规模以上工业增加值年均增长{target}，"
        "重点项目完成投资不少于三百亿元，营商环境持续优化。",
        "二、主要任务。加快产业转型升级，强化科技创新支撑，扩大有效投资，"
        "推动服务业提质增效，保障和改善民生。",
        "三、保障措施。各地各部门要加强组织领导，压实工作责任，强化要素保障，"
        "确保各项任务落到实处。",
    ]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于第{_number(n)}批重点项目建设的通知</title></head>
<body>
<div class="header">示例市人民政府 政府信息公开</div>
<div class="article">
<h1>关于第{_number(n)}批重点项目建设的通知</h1>
<table class="xxgk">
<tr><td>索引号：</td><td>014000000/2021-{n:05d}</td><td>发布机构：</td><td>示例市发展和改革委员会</td></tr>
<tr><td>文号：</td><td>示发改〔2021〕{n}号</td><td>发布日期：</td><td>{day:%Y-%m-%d}</td></tr>
<tr><td>效力状况：</td><td>{status}</td><td>主题分类：</td><td>综合政务</td></tr>
</table>
<div class="content">
{body}
</div>
</div>
<div class="footer">主办单位：示例市人民政府办公室</div>
</body></html>"""


def _list(numbers: list[int], page: int, pages: int) -> str:
    rows = "\n".join(
        f'<li><a href="/notice/{n}.html">关于第{_number(n)}批重点项目建设的通知</a>'
        f"<span>{date(2021, 1, 1) + timedelta(days=n):%Y-%m-%d}</span></li>" for n in numbers)
    nxt = f'<a href="/list_{page + 1}.html">下一页</a>' if page < pages else ""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告</title></head>
<body><div class="list"><ul>
{rows}
</ul></div><div class="page">第{page}页 共{pages}页 {nxt}</div></body></html>"""


def build(count: int, revision: int = 0, gone: frozenset[int] = frozenset()) -> dict[str, Page]:
    """The portal's pages; ``gone``: notices deleted since, off the lists and answering 404."""
    rev = Revision(count)
    numbers = list(range(count)) + (list(rev.added) if revision == 1 else [])
    numbers = [n for n in numbers if n not in gone]
    numbers.sort(reverse=True)  # newest first, as portals list them
    listed = [n for n in numbers if revision == 0 or n not in rev.delisted]
    pages: dict[str, Page] = {}
    chunks = [listed[i:i + PER_PAGE] for i in range(0, len(listed), PER_PAGE)]
    for page, chunk in enumerate(chunks, start=1):
        pages[f"/list_{page}.html"] = Page(_list(chunk, page, len(chunks)).encode(),
                                           headers={"Content-Type": HTML})
    for n in numbers:
        pages[f"/notice/{n}.html"] = Page(_detail(n, revision, rev).encode(),
                                          headers={"Content-Type": HTML})
    return pages


class SlowPortal(PortalServer):
    """A portal whose every answer takes ``delay`` seconds, as a small government server's do."""

    def __init__(self, pages: dict[str, Page], delay: float) -> None:
        super().__init__(pages)
        self.delay = delay
        self.closing = threading.Event()

    def _handle(self, record: RequestRecord) -> Page | None:  # PortalServer's request hook
        page = super()._handle(record)
        self.closing.wait(self.delay)
        return page

    def stop(self) -> None:
        self.closing.set()
        super().stop()
