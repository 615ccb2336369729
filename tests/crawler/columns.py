"""A column (栏目) whose pages the walk tests change between runs, modelled on the real 邯郸 TRS
list (../shared/real-pages, handan_trs_list_table_countPage_JSPWRAPPED.html): a table of
名称 / 索引号 / 发布机构 / 发布日期 rows, and the classic TRS pager — a script with
``var countPage=N; var currentPage=i`` followed by the links it wrote (首页, 上一页, numbers,
下一页, 尾页) — over ``index.html``, ``index_1.html``…

``pager`` picks what the pages say of the pages after them:

- ``trs``: the countPage script and its links (the pager states how many pages there are);
- ``next``: only a 下一页 link, as many county sites have (the pager states nothing);
- ``script``: a pager a script renders from data the crawler cannot read (a template change);
- ``js``: a 下一页 link that runs ``javascript:goPage(N)``, which discovery reports as a pager it
  cannot follow (``Listing.pager_warning``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from monitor.demo.server import Page
from tests.crawler.portals import SITE_NAME, Doc, _paragraphs, detail_html, page

HTML = "text/html; charset=UTF-8"
PREFIX = "/zfwj/jinqixxgk/"


def doc(n: int, day: int = 10, month: int = 3) -> Doc:
    """Document ``n``, dated 2021-``month``-``day``, under the column's own folder (TRS)."""
    path = f"{PREFIX}2021{month:02d}/t2021{month:02d}{day:02d}_{5000 + n}.html"
    return Doc(path, f"测试市关于印发2021年第{n}批重点工作任务分解方案的通知",
               f"2021-{month:02d}-{day:02d}", f"000014348/2021-{n:05d}",
               _paragraphs(n, "测试"))


def docs(count: int) -> list[Doc]:
    """``count`` documents, newest first."""
    return [doc(n, day=n % 28 + 1) for n in range(count, 0, -1)]


def _name(index: int) -> str:
    return "index.html" if index == 0 else f"index_{index}.html"


@dataclass
class Column:
    docs: list[Doc]
    per_page: int = 4
    pager: str = "trs"                                  # trs | next | script | js
    extra: dict[str, Page] = field(default_factory=dict)   # pages served besides the column's
    retired: list[Doc] = field(default_factory=list)    # off the lists, still online
    relative: bool = False    # rows link ./202103/t….html, as TRS templates write them

    @property
    def start(self) -> str:
        return PREFIX + "index.html"

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.docs) // self.per_page))

    def list_path(self, index: int) -> str:
        return PREFIX + _name(index)

    def _pager(self, index: int) -> str:
        total = self.page_count
        following = _name(index + 1) if index + 1 < total else None
        if self.pager == "script":
            return ('<div class="page" id="pageBar"></div><script>pageBar.render({el: '
                    '"#pageBar", data: window.__pages__ || []});</script>')
        if self.pager == "js":
            return f'<div class="page"><a href="javascript:goPage({index + 2})">下一页</a></div>' \
                if following else '<div class="page"></div>'
        if self.pager == "next":
            return f'<div class="page"><a href="{following}">下一页</a></div>' if following \
                else '<div class="page"></div>'
        numbers = "&nbsp;&nbsp;".join(
            f'<span class="now">{i + 1}</span>' if i == index else
            f'<a href="{_name(i)}" target="_self" class="pnum">{i + 1}</a>'
            for i in range(total))
        return (f'<div class="fy"><script>var countnum= {len(self.docs)}; var currentPage={index};'
                f'var countPage={total}\nvar endPage=countPage-1\n/* writes the pager */'
                f'</script><a href="index.html" target="_self">首页</a>&nbsp;&nbsp;{numbers}'
                + (f'&nbsp;&nbsp;<a href="{following}" target="_self">下一页</a>'
                   if following else "")
                + f'&nbsp;&nbsp;<a href="{_name(total - 1)}" target="_self">尾页</a></div>')

    def _href(self, d: Doc) -> str:
        return "./" + d.path.removeprefix(PREFIX) if self.relative else d.path

    def list_html(self, index: int, *, rows: bool = True) -> str:
        """List page ``index`` (0: index.html); without its rows when ``rows`` is false."""
        chunk = self.docs[index * self.per_page:(index + 1) * self.per_page] if rows else []
        table = "".join(
            f'<tr><td class="mc"><a href="{escape(self._href(d))}" target="_blank" '
            f'title="{escape(d.title)}">{escape(d.title)}</a></td><td>{d.index_no}</td>'
            f"<td>{SITE_NAME}</td><td>{d.date}</td></tr>" for d in chunk)
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>近期信息公开_{SITE_NAME}'
                '</title></head><body><div class="header"><ul class="nav"><li><a href="/">首页'
                '</a></li><li><a href="/zfwj/">政府文件</a></li></ul></div>'
                '<div class="dangqianweizhi">当前位置：<a href="/">首页</a> &gt; 近期信息公开</div>'
                '<div class="szbmtclb"><table><tr><th>名称</th><th>索引号</th><th>发布机构</th>'
                f"<th>发布日期</th></tr>{table}</table>{self._pager(index)}</div>"
                f'<div class="footer"><p>主办单位：{SITE_NAME}办公室</p></div></body></html>')

    def pages(self, replaced: dict[str, Page] | None = None) -> dict[str, Page]:
        """Every page, with ``replaced`` (by path) served instead."""
        out: dict[str, Page] = {}
        for index in range(self.page_count):
            out[self.list_path(index)] = page(self.list_html(index).encode(), HTML)
        for d in self.docs + self.retired:
            out[d.path] = page(detail_html(d).encode(), HTML)
        out.update(self.extra)
        out.update(replaced or {})
        return out
