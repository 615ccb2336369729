"""Telling a bad response from content.

A server that answers 200 with 页面不存在 or 系统维护中, a WAF that answers 412 with a ``$_ts``
script (瑞数), or a ``__jsl_clearance`` cookie challenge (加速乐) must never become a version:
each would be a false "change", and then a false "removed".

Real error pages carry the portal's whole chrome (header, 导航, footer with 主办单位 and ICP
numbers): their text is long, and only the part between the chrome says 页面不存在. So the page is
judged by its ``<title>`` and by its *main* text, the visible text left when scripts and chrome
containers are taken out — not by its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

from crawler.outcomes import FetchOutcome

_CHALLENGE_SCRIPT = re.compile(
    r"\$_ts\s*=|\$_ts\.|__jsl_clearance|_\$[a-z]{2}\s*=|document\.cookie\s*=.{0,200}location|"
    r"<noscript>[^<]{0,200}(?:enable|启用|开启)\s*javascript", re.I | re.S)
_CHALLENGE_TEXT = re.compile(
    r"人机验证|安全验证|访问验证|滑动验证|请完成验证|访问过于频繁|请求过于频繁|您的访问被拦截|"
    r"访问被拒绝|Web应用防火墙|网站防火墙|安全狗|云锁|创宇盾|知道创宇|Access Denied|"
    r"Request blocked|captcha", re.I)
_META_REFRESH = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh[\"']?[^>]*>", re.I)
_SOFT_404 = re.compile(
    r"(?:页面不存在|頁面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|您访问的页面不存在|"
    r"您所访问的页面不存在|信息不存在|文章不存在|内容不存在|该信息已删除|信息已被删除|"
    r"页面已删除|已被删除或不存在|已经删除|页面已失效|链接已失效|404\s*(?:Not Found|错误|页面)|"
    r"Error\s*404|抱歉[，,]?(?:您|你)(?:访问|要访问|请求)的页面)", re.I)
_MAINTENANCE = re.compile(
    r"(?:系统维护|网站维护|系统升级|网站升级|维护中|升级中|暂停服务|暂停访问|"
    r"Service Unavailable|under maintenance|temporarily unavailable)", re.I)
# A page showing a document's metadata or source line is a document, even a short one about
# a 系统维护 (关于12345热线系统升级暂停服务的通知 is news, not an outage).
_DOCUMENT_SIGNS = re.compile(r"索\s*引\s*号|发布机构|發布機構|发文机关|文\s*号|成文日期|发布日期|"
                             r"公开日期|发布时间|信息来源|来源[:：]")
_TEXT = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]+>", re.I | re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TITLE_SPLIT = re.compile(r"\s*[-_|—–·]+\s*|\s{2,}")
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|header|head|top|topbar|banner|footer|foot|bottom|copyright|"
    r"breadcrumb|crumb|position|location|dqwz|sidebar|side|links?|friend|search|login|share|"
    r"toolbar)(?:$|[\s_-]|\d)", re.I)
_DROP_TAGS = ("head", "script", "style", "noscript", "template", "nav", "header", "footer",
              "aside", "form", "select", "option")
MAIN_SHORT = 600     # main text this short is an error page's message, not a document
TITLE_TRUSTED = 3000  # a title saying 页面不存在 is believed unless the main text is this long


@dataclass(frozen=True)
class Verdict:
    outcome: FetchOutcome
    reason: str | None = None


def visible_text(source: str) -> str:
    return re.sub(r"\s+", "", _TEXT.sub(" ", source))


def page_title(source: str) -> str:
    m = _TITLE.search(source[:20000])
    return re.sub(r"\s+", " ", _TEXT.sub(" ", m.group(1))).strip() if m else ""


def main_text(source: str) -> str:
    """Visible text without scripts and page chrome (header, nav, footer, side bars)."""
    try:
        root = html.document_fromstring(source or "<html></html>")
    except (etree.ParserError, ValueError):
        return visible_text(source)
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if marker.strip() and _CHROME.search(marker):
            element.drop_tree()
    return re.sub(r"\s+", "", root.text_content())


def _title_says(title: str, pattern: re.Pattern[str]) -> bool:
    """The title *is* the message (页面不存在 - 某某市人民政府), rather than a document about it
    (关于网站系统维护升级期间暂停服务的公告)."""
    parts = [p for p in _TITLE_SPLIT.split(title) if p]
    return any(pattern.search(p) and len(p) <= 20 and not p.startswith("关于") for p in parts)


def classify_status(status: int) -> FetchOutcome | None:
    """The outcome an HTTP status alone decides, or None for 2xx (content to inspect)."""
    if status == 304:
        return FetchOutcome.NOT_MODIFIED
    if status in (404, 410):
        return FetchOutcome.GONE
    if status in (412, 521):
        return FetchOutcome.CHALLENGE  # 瑞数 / 加速乐 answer 412 or 521 with a script
    if status == 429:
        return FetchOutcome.THROTTLED
    if status >= 500:
        return FetchOutcome.SERVER_ERROR
    if status >= 300:
        return FetchOutcome.HTTP_ERROR  # other 4xx; redirects Scrapy did not follow (loops)
    return None


def _challenge(status: int, source: str, text: str) -> str | None:
    head = source[:20000]
    if "$_ts" in head:
        return f"HTTP {status} with a $_ts script (瑞数 WAF JavaScript challenge)"
    if "__jsl_clearance" in head:
        return f"HTTP {status} with a __jsl_clearance cookie script (加速乐 challenge)"
    if _META_REFRESH.search(head) and len(text) < 300 and "cookie" in head.lower():
        return f"HTTP {status} meta-refresh wall that sets a cookie and reloads"
    if len(text) < 2000 and (_CHALLENGE_SCRIPT.search(head) or _CHALLENGE_TEXT.search(text)):
        found = _CHALLENGE_TEXT.search(text)
        return f"HTTP {status} challenge page" + (f" ({found.group(0)})" if found else "")
    return None


def diagnose(status: int, source: str) -> Verdict:
    """Classify a response by its status, then by what its page says, with a one-line reason."""
    by_status = classify_status(status)
    text = visible_text(source)
    if by_status in (FetchOutcome.NOT_MODIFIED, FetchOutcome.GONE):
        return Verdict(by_status, f"HTTP {status}")
    reason = _challenge(status, source, text)
    if reason is not None or by_status == FetchOutcome.CHALLENGE:
        return Verdict(FetchOutcome.CHALLENGE, reason or f"HTTP {status} (WAF challenge status)")
    if by_status is not None and by_status != FetchOutcome.SERVER_ERROR:
        return Verdict(by_status, f"HTTP {status}")
    if by_status is None and not (_SOFT_404.search(text) or _MAINTENANCE.search(text)):
        return Verdict(FetchOutcome.OK)  # the common case, without parsing the page
    title = page_title(source)
    main = main_text(source) if len(text) >= MAIN_SHORT else text
    if by_status == FetchOutcome.SERVER_ERROR:
        if _MAINTENANCE.search(main) or _title_says(title, _MAINTENANCE):
            return Verdict(FetchOutcome.MAINTENANCE, f"HTTP {status} maintenance page")
        return Verdict(by_status, f"HTTP {status}")
    if _DOCUMENT_SIGNS.search(main):
        return Verdict(FetchOutcome.OK)
    for outcome, pattern in ((FetchOutcome.SOFT_404, _SOFT_404),
                             (FetchOutcome.MAINTENANCE, _MAINTENANCE)):
        said = pattern.search(main[:MAIN_SHORT * 2])
        if len(main) < MAIN_SHORT and said:
            return Verdict(outcome, f"HTTP {status} page saying {said.group(0)!r}")
        if len(main) < TITLE_TRUSTED and _title_says(title, pattern):
            return Verdict(outcome, f"HTTP {status} page titled {title!r}")
    return Verdict(FetchOutcome.OK)


def classify_page(status: int, source: str) -> FetchOutcome:
    """``diagnose()`` without the reason."""
    return diagnose(status, source).outcome
