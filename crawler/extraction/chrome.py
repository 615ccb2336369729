"""Page chrome: what every portal page carries around the document and must never reach the text
(a view counter or a 扫一扫 line in the text would make every crawl a "change")."""

from __future__ import annotations

import re

from lxml import html

# Whole lines of chrome, matched after white space is collapsed.
CHROME_LINE = re.compile(
    r"^(?:"
    r"浏览次数|瀏覽次數|访问次数|阅读次数|点击数|点击量|访问量|浏览量|阅读量|"
    r"文字大小|字体大小|字号|【?\s*字体|"
    r"打印本页|打印本頁|【?\s*打印|关闭窗口|關閉窗口|【?\s*关闭|"
    r"扫一扫|掃一掃|分享到|分享至|用手机扫描|手机扫描|"
    r"当前位置|當前位置|您的位置|您现在的位置|首页\s*[>›»]|"
    r"上一篇|下一篇|返回顶部|返回首页|收藏本页|加入收藏|"
    r"\[\s*大\s*中\s*小\s*\]|【\s*大\s*中\s*小\s*】|"
    r"版权所有|主办单位|承办单位|网站标识码|ICP备|京ICP|苏ICP|公网安备"
    r")")
# Chrome anywhere in a short line: "来源：… 日期：… 浏览次数：" info lines.
CHROME_INLINE = re.compile(r"(?:浏览次数|瀏覽次數|访问次数|阅读次数|点击数|浏览量)\s*[:：]?\s*\d*"
                           r"|[【\[]\s*大\s*中\s*小\s*[】\]]")
# class/id fragments of chrome containers.
CHROME_ATTR = re.compile(
    r"(?:^|[\s_-])(?:share|bdshare|jiathis|print|close|crumb|breadcrumb|position|location|"
    r"curpos|dqwz|fontsize|font-size|zihao|qrcode|ewm|erweima|footer|foot|copyright|"
    r"header|topbar|nav|navbar|menu|sidebar|pager|prevnext|xgwz|related|relate|toolbar)"
    r"(?:$|[\s_-]|\d)", re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
             "canvas", "button", "select", "input", "textarea", "form")


def strip_invisible(root: html.HtmlElement) -> None:
    """Remove scripts, styles, forms and elements hidden with CSS or ``hidden``."""
    for element in list(root.iter(*DROP_TAGS)):
        _drop(element)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue  # comments: their text is never read, their tails stay in place
        style = element.get("style") or ""
        if HIDDEN_STYLE.search(style) or element.get("hidden") is not None:
            _drop(element)


def strip_chrome(root: html.HtmlElement) -> None:
    """Remove elements that are chrome by their class or id and hold little text."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if marker.strip() and CHROME_ATTR.search(marker):
            text = element.text_content()
            if len(text.strip()) < 200 or element.tag in ("nav", "footer", "header"):
                _drop(element)


def is_chrome_line(line: str) -> bool:
    return bool(CHROME_LINE.match(line)) or (
        len(line) < 60 and bool(CHROME_INLINE.search(line)))


def _drop(element: html.HtmlElement) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


drop_element = _drop
