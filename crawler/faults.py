"""Telling a bad response from content.

A server that answers 200 with 页面不存在 or 系统维护中, a WAF that answers 412 with a ``$_ts``
script (瑞数), or a ``__jsl_clearance`` cookie challenge (加速乐) must never become a version:
each would be a false "change", and then a false "removed".
"""

from __future__ import annotations

import re

from crawler.outcomes import FetchOutcome

_CHALLENGE = re.compile(
    r"\$_ts\s*=|__jsl_clearance|_\$[a-z]{2}\s*=|document\.cookie\s*=.{0,200}location|"
    r"<noscript>[^<]{0,200}(?:enable|启用|开启)\s*javascript|"
    r"(?:人机验证|安全验证|访问验证|滑动验证|请完成验证|访问过于频繁|请求过于频繁|"
    r"您的访问被拦截|访问被拒绝|Web应用防火墙|网站防火墙|安全狗|云锁|创宇盾|知道创宇|"
    r"Access Denied|Request blocked|captcha)", re.I | re.S)
_META_REFRESH = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh[\"']?[^>]*>", re.I)
_SOFT_404 = re.compile(
    r"(?:页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|您访问的页面不存在|"
    r"您所访问的页面不存在|信息不存在|文章不存在|内容不存在|该信息已删除|信息已被删除|"
    r"页面已删除|已被删除或不存在|404\s*(?:Not Found|错误|页面)|Error\s*404|"
    r"抱歉[，,]?(?:您|你)(?:访问|要访问|请求)的页面)", re.I)
_MAINTENANCE = re.compile(
    r"(?:系统维护|网站维护|系统升级|网站升级|维护中|升级中|暂停服务|暂停访问|"
    r"Service Unavailable|under maintenance|temporarily unavailable)", re.I)
_TEXT = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.I | re.S)


def visible_text(source: str) -> str:
    return re.sub(r"\s+", "", _TEXT.sub(" ", source))


def classify_status(status: int) -> FetchOutcome | None:
    """The outcome an HTTP status alone decides, or None for 2xx (content to inspect)."""
    if status == 304:
        return FetchOutcome.NOT_MODIFIED
    if status in (404, 410):
        return FetchOutcome.GONE
    if status in (412, 521):
        return FetchOutcome.CHALLENGE  # 瑞数 / 加速乐 answer 412 or 521 with a script
    if status >= 500:
        return FetchOutcome.SERVER_ERROR
    if status >= 400:
        return FetchOutcome.HTTP_ERROR
    if status >= 300:
        return FetchOutcome.HTTP_ERROR  # redirects Scrapy did not follow (loops, off-site)
    return None


def classify_page(status: int, source: str) -> FetchOutcome:
    """Classify a response: its status first, then what its page says.

    Short pages are suspect; a long page that merely mentions 维护 in its text is content.
    """
    by_status = classify_status(status)
    if by_status in (FetchOutcome.SERVER_ERROR, FetchOutcome.HTTP_ERROR) and _CHALLENGE.search(
            source[:20000]):
        return FetchOutcome.CHALLENGE  # 403 from a WAF with its challenge page
    if by_status is not None and by_status != FetchOutcome.SERVER_ERROR:
        return by_status
    text = visible_text(source)
    if by_status == FetchOutcome.SERVER_ERROR:
        return FetchOutcome.MAINTENANCE if _MAINTENANCE.search(text) else by_status
    if len(text) < 2000 and _CHALLENGE.search(source[:20000]):
        return FetchOutcome.CHALLENGE
    if len(text) < 300 and _META_REFRESH.search(source) and "cookie" in source.lower():
        return FetchOutcome.CHALLENGE  # meta-refresh wall that sets a cookie and reloads
    if len(text) < 600 and _SOFT_404.search(text):
        return FetchOutcome.SOFT_404
    if len(text) < 600 and _MAINTENANCE.search(text):
        return FetchOutcome.MAINTENANCE
    return FetchOutcome.OK
