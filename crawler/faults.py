"""Telling a bad response from content.

A server that answers 200 with 页面不存在 or 系统维护中, a WAF that answers 412 with a ``$_ts``
script (瑞数), or a ``__jsl_clearance`` cookie challenge (加速乐) must never become a version:
each would be a false "change", and then a false "removed". Nor may a real document be taken
for one: a short notice *about* a 系统升级, or one saying some registrations 已经删除, is news.

Real error pages carry the portal's whole chrome (header, 导航, footer with 主办单位 and ICP
numbers): their text is long, and only the part between the chrome says 页面不存在. So the page is
judged by its ``<title>`` and by its *main* text, the visible text left when scripts and chrome
containers are taken out — not by its length. Three rules keep documents out of it:

- a page with the signs of a document is one: the CMS's article ``<meta>`` tags (ArticleTitle,
  PubDate — templates fill them for an article, error pages have none), its ContentStart marker,
  a metadata table's labels, or the 发布时间/来源 line under the title;
- an element is chrome by its class, but ``article-top``, ``content-head``, ``detail-title`` are
  parts of the document (the title and its info line), not the portal's top bar;
- the message must be (nearly) all of the main text — of the content container when the page has
  one — not a phrase inside a notice: an error page says 页面不存在 and little else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree, html

from crawler.extraction.region import SPECIFIC_CONTAINERS
from crawler.outcomes import FetchOutcome

_CHALLENGE_SCRIPT = re.compile(
    r"\$_ts\s*=|\$_ts\.|__jsl_clearance|_\$[a-z]{2}\s*=|document\.cookie\s*=.{0,200}location|"
    r"<noscript>[^<]{0,200}(?:enable|启用|开启)\s*javascript", re.I | re.S)
_CHALLENGE_TEXT = re.compile(
    r"人机验证|安全验证|访问验证|滑动验证|请完成验证|访问过于频繁|请求过于频繁|您的访问被拦截|"
    r"访问被拒绝|Web应用防火墙|网站防火墙|安全狗|云锁|创宇盾|知道创宇|Access Denied|"
    r"Request blocked|captcha", re.I)
_META_REFRESH = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh[\"']?[^>]*>", re.I)

# What error pages say, by outcome, first match first (系统升级中，请稍候 is maintenance, not a
# loading placeholder): Chinese phrases, then Latin ones written in lower case. Main texts are
# compared without white space, so Latin phrases allow none between their words.
_SAYINGS: dict[FetchOutcome, tuple[tuple[str, ...], tuple[str, ...]]] = {
    FetchOutcome.SOFT_404: (
        ("页面不存在", "頁面不存在", "页面未找到", "找不到(?:该|此|您要访问的)?页面",
         "信息不存在", "文章不存在", "内容不存在", "信息已被?删除", "页面已被?删除",
         "已被删除或不存在", "已经删除", "页面已失效", "链接已失效", "404(?:错误|页面)",
         "抱歉[，,]?(?:您|你)(?:访问|要访问|请求)的页面",
         # Withdrawn (撤稿): Hanweb and TRS answer a withdrawn article's URL with 该信息已撤销.
         "(?:信息|文章|稿件|内容|页面)(?:已经?|已被)(?:撤销|撤回|撤稿|下线|下架)"),
        (r"404\s*not\s*found", r"error\s*404")),
    FetchOutcome.MAINTENANCE: (
        ("系统维护", "网站维护", "系统升级", "网站升级", "维护中", "升级中", "暂停服务",
         "暂停访问"),
        (r"service\s*unavailable", r"under\s*maintenance", r"temporarily\s*unavailable")),
    # An application that failed behind a 200: Tomcat's and Spring's error pages, 系统繁忙.
    FetchOutcome.SERVER_ERROR: (
        ("系统繁忙", "服务器繁忙", "服务器(?:内部)?错误", "服务器异常",
         "系统(?:错误|异常|出错|故障)", "程序(?:错误|异常|出错)",
         "数据库(?:连接)?(?:失败|错误|异常|出错)", "连接数据库失败"),
        (r"http\s*status\s*5\d\d", r"internal\s*server\s*error", r"bad\s*gateway",
         r"gateway\s*time-?out", r"server\s*error", r"whitelabel\s*error\s*page",
         r"exception\s*report", r"java\.lang\.\w+exception")),
    # A login wall or a permission page (依申请公开 documents, an intranet column left linked).
    FetchOutcome.DENIED: (
        ("(?:没有|无)权限(?:访问|查看|浏览)?", "无权(?:访问|查看|浏览)", "权限不足", "访问受限",
         "未授权(?:访问)?", "请(?:先)?登录(?:后(?:再)?(?:查看|访问|浏览|下载|操作))?",
         "登录后(?:才能)?(?:查看|访问|浏览|下载)", "用户登录", "未登录", "登录(?:已)?超时",
         "会话已?过期"),
        ("unauthorized", r"401\s*authorization\s*required")),
    # A page whose content a script fills in after loading: we only ever see the placeholder.
    FetchOutcome.EMPTY: (
        ("页面加载中", "正在加载", "数据加载中", "加载中", "请稍候"),
        ("loading",)),
}
MESSAGES: tuple[tuple[FetchOutcome, re.Pattern[str]], ...] = tuple(
    (outcome, re.compile("|".join(han + latin), re.I))
    for outcome, (han, latin) in _SAYINGS.items())
_SAYS = dict(MESSAGES)
# What a reason adds to the phrase it quotes, where the phrase alone would not tell the user what
# to do (a list page saying 数据加载中 is a column rendered by JavaScript).
_EXPLAINED = {FetchOutcome.EMPTY: ": a placeholder a JavaScript script fills in; the content is "
                                  "not in the page's HTML (for a list, point start_urls at a "
                                  "page whose HTML lists the documents)"}
# Whether a page says any of it, before it is parsed: the Chinese phrases case-sensitive, the
# Latin ones over the lower-cased text (a case-blind search of every phrase cost twice as long).
_SAYS_HAN = re.compile("|".join(h for han, _ in _SAYINGS.values() for h in han))
_SAYS_LATIN = re.compile("|".join(w for _, latin in _SAYINGS.values() for w in latin))
# A login page's title (用户登录, 统一身份认证平台, Login) believed only beside a password field.
_LOGIN_TITLE = re.compile(r"登录|登陆|身份认证|认证中心|Log\s*in|Sign\s*in", re.I)
# The words an error page wraps its message in: they are neither the message nor content.
_COURTESY = re.compile(
    r"(?:很?抱歉|对不起|sorry|提示信息|温馨提示|系统提示|错误提示|友情提示|提示|出错了|错误信息|"
    r"请稍后(?:再)?(?:访问|试|重试|尝试|刷新|登录)?|稍后再试|给您带来(?:的)?不便|敬请谅解|请谅解|"
    r"谢谢|感谢您的(?:理解|支持|关注)|返回首页|返回上一?页|返回|首页|关闭|"
    r"(?:请)?联系(?:网站)?管理员|网站管理员|可能的原因(?:是|有)?|原因|您可以|您(?:要|所)?访问的|"
    r"或已被?(?:删除|移动|移除|过期)|或不存在|自动跳转|秒后|继续浏览|刷新|重试|再试|"
    r"网址输入错误|输入的网址(?:有误)?|错误代码|用户名|密码|验证码|忘记密码|立即注册|注册|"
    r"还没有账号|登录|账号|请使用|error|code)", re.I)
_NOT_WORDS = re.compile(r"[\W\d_]+")
RESIDUAL_MAX = 24    # characters of an error page that are neither its message nor courtesy…
RESIDUAL_RATIO = 1.5  # …and no more than this many per character of the message itself

# A page showing a document's metadata or source line is a document, even a short one about
# a 系统维护 (关于12345热线系统升级暂停服务的通知 is news, not an outage).
_DOCUMENT_SIGNS = re.compile(r"索\s*引\s*号|发布机构|發布機構|发文机关|文\s*号|成文日期|发布日期|"
                             r"公开日期|发布时间|信息来源|来源[:：]")
# The article <meta> tags of the 政府网站 page standard (Hanweb, TRS, Ucap): filled in for an
# article by the article template; a portal's error page has none of them.
_ARTICLE_META = frozenset({"articletitle", "pubdate", "contentsource"})
# The marker Hanweb and TRS article templates write around the document.
_CONTENT_MARKER = re.compile(r"<!--\s*ContentStart\s*-->|<meta\s+name=[\"']?ContentStart\b", re.I)
_TEXT = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]+>", re.I | re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TITLE_SPLIT = re.compile(r"\s*[-_|—–·]+\s*|\s{2,}")
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|header|head|top|topbar|banner|footer|foot|bottom|copyright|"
    r"breadcrumb|crumb|position|location|dqwz|sidebar|side|links?|friend|search|login|share|"
    r"toolbar)(?:$|[\s_-]|\d)", re.I)
# A class that names a part of the document: article-top holds the title and its 发布时间 line,
# content-head and detail-title the title, wz-top (文章) the info line; they are not chrome.
_DOCUMENT_PART = re.compile(
    r"(?:^|[\s_-])(?:article|arti|content|cont|con|detail|details|doc|text|txt|zw|zhengwen|wz|"
    r"wenzhang|xl|xq|xxgk)(?:$|[\s_-]|\d)", re.I)
_DROP_TAGS = ("head", "script", "style", "noscript", "template", "nav", "header", "footer",
              "aside", "form", "select", "option")
_HEADINGS = ("h1", "h2", "h3")
MAIN_SHORT = 600     # main text this short is an error page's message, not a document
TITLE_TRUSTED = 3000  # a title saying 页面不存在 is believed unless the main text is this long

# Where a redirect away from a document lands: 首页 or the index of a column the document is in
# (portals send a removed document's URL there), a login page, or an error page's own URL.
_INDEX_FILE = re.compile(r"(?:index|default|main|home)\.(?:s?html?|jsp|php|aspx?|do)$", re.I)
_LOGIN_URL = re.compile(r"login|logon|signin|sign-in|denglu|passport|"
                        r"(?:^|/)(?:sso|cas|oauth2?|auth|authorize|uc)(?:/|$)", re.I)
_ERROR_URL = re.compile(r"(?:^|/)(?:404|403|500|502|503|error|errors|err|notfound|not[-_]found|"
                        r"nopage|weihu|maintain|maintenance)(?:\.[a-z]+)?$|(?:^|/)(?:error|404)/",
                        re.I)


@dataclass(frozen=True)
class Verdict:
    outcome: FetchOutcome
    reason: str | None = None


@dataclass(frozen=True)
class _Page:
    """What ``diagnose`` reads of a page that says something an error page would."""

    main: str            # visible text without chrome (a short page's all, if all is chrome)
    body: str            # the content container's text when the page has one, else ``main``
    heading: str         # the first h1–h3: a document's title, or the error page's 页面不存在
    document: bool       # the page carries the structural signs of a document
    password: bool       # a password field: a login form

    @property
    def short(self) -> bool:
        return len(self.main) < MAIN_SHORT


def visible_text(source: str) -> str:
    return re.sub(r"\s+", "", _TEXT.sub(" ", source))


def page_title(source: str) -> str:
    m = _TITLE.search(source[:20000])
    return re.sub(r"\s+", " ", _TEXT.sub(" ", m.group(1))).strip() if m else ""


def _squeezed(element: etree._Element) -> str:
    return re.sub(r"\s+", "", element.text_content())


def _is_chrome(element: etree._Element) -> bool:
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(marker.strip()) and bool(_CHROME.search(marker)) \
        and not _DOCUMENT_PART.search(marker)


def _drop(root: etree._Element, tags: tuple[str, ...]) -> None:
    for element in list(root.iter(*tags)):
        element.drop_tree()


def _drop_chrome(root: etree._Element, keep: frozenset[etree._Element] = frozenset()) -> None:
    """Take out the chrome containers, except those holding ``keep``: on pages whose markup
    leaves the header's <div> unclosed, the content container ends up inside it."""
    for element in list(root.iter()):
        if isinstance(element.tag, str) and element.getparent() is not None \
                and element not in keep and _is_chrome(element):
            element.drop_tree()


def _container_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """SPECIFIC_CONTAINERS (crawler.extraction.region) by tag, id and class."""
    tags = frozenset(c for c in SPECIFIC_CONTAINERS if c[0] not in "#.")
    ids = frozenset(c[1:] for c in SPECIFIC_CONTAINERS if c[0] == "#")
    classes = frozenset(c[1:] for c in SPECIFIC_CONTAINERS if c[0] == ".")
    return tags, ids, classes


_CONTAINERS = _container_names()


def _container(root: etree._Element) -> etree._Element | None:
    """The first content container a CMS family is known by (.TRS_Editor, #zoom…)."""
    tags, ids, classes = _CONTAINERS
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in tags or element.get("id") in ids \
                or not classes.isdisjoint(element.get("class", "").split()):
            return element
    return None


def _article_meta(root: etree._Element) -> bool:
    return any((meta.get("name") or "").lower() in _ARTICLE_META
               and (meta.get("content") or "").strip() for meta in root.iter("meta"))


def _read(source: str, text: str) -> _Page:
    try:
        root = html.document_fromstring(source or "<html></html>")
    except (etree.ParserError, ValueError):
        return _Page(text, text, "", bool(_DOCUMENT_SIGNS.search(text)), False)
    password = any((field.get("type") or "").lower() == "password" for field in root.iter("input"))
    marked = _article_meta(root) or bool(_CONTENT_MARKER.search(source))
    _drop(root, _DROP_TAGS)
    whole = _squeezed(root)
    found = _container(root)
    keep = frozenset((found, *found.iterancestors())) if found is not None else frozenset()
    _drop_chrome(root, keep)
    # A short page whose every element looks like chrome (<div class="top">页面不存在</div>)
    # is all message.
    main = _squeezed(root) or (whole if len(text) < MAIN_SHORT else "")
    body = _squeezed(found) if found is not None else ""
    heading = next((_squeezed(h) for h in root.iter(*_HEADINGS) if _squeezed(h)), "")
    return _Page(main, body or main, heading, marked or bool(_DOCUMENT_SIGNS.search(main)),
                 password)


def main_text(source: str) -> str:
    """Visible text without scripts and page chrome (header, nav, footer, side bars)."""
    try:
        root = html.document_fromstring(source or "<html></html>")
    except (etree.ParserError, ValueError):
        return visible_text(source)
    _drop(root, _DROP_TAGS)
    _drop_chrome(root)
    return _squeezed(root)


def _fills(text: str, pattern: re.Pattern[str]) -> bool:
    """The message is (nearly) all of the text: what is left once the message and the words
    error pages wrap it in (对不起, 请稍后再试, 返回首页…) are taken out is a few characters — not
    the dates, names and reasons of a notice that mentions 暂停服务 or 已经删除."""
    said = sum(len(m.group(0)) for m in pattern.finditer(text))
    if not said:
        return False
    rest = _NOT_WORDS.sub("", _COURTESY.sub("", pattern.sub("", text)))
    return len(rest) <= RESIDUAL_MAX and len(rest) <= said * RESIDUAL_RATIO


def _title_says(title: str, pattern: re.Pattern[str]) -> bool:
    """The title *is* the message (页面不存在 - 某某市人民政府), rather than a document about it
    (关于网站系统维护升级期间暂停服务的公告)."""
    parts = [p for p in _TITLE_SPLIT.split(title) if p]
    return any(pattern.search(p) and len(p) <= 20 and not p.startswith("关于") for p in parts)


# Titles believed on their own (页面不存在_某市人民政府), and when. A login page's title
# (统一身份认证平台) is also the title of documents about it: it counts on a short page with a
# password field (a document with a login box in its header has its text besides).
_TITLE_RULES: tuple[tuple[FetchOutcome, re.Pattern[str], Callable[[_Page], bool]], ...] = (
    (FetchOutcome.SOFT_404, _SAYS[FetchOutcome.SOFT_404], lambda page: True),
    (FetchOutcome.MAINTENANCE, _SAYS[FetchOutcome.MAINTENANCE], lambda page: True),
    (FetchOutcome.SERVER_ERROR, _SAYS[FetchOutcome.SERVER_ERROR], lambda page: True),
    (FetchOutcome.DENIED, _LOGIN_TITLE, lambda page: page.password and page.short),
)


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


def _may_say(source: str, text: str) -> bool:
    """The page says something an error page would, or has a password field (a login page)."""
    return bool(_SAYS_HAN.search(text) or _SAYS_LATIN.search(text.lower())
                or "assword" in source or "ASSWORD" in source)


def _shown(title: str, page: _Page) -> str:
    """The page's title and heading, quoted in a reason: ingest tells by them whether an error
    verdict fell on a page that still shows the document (monitor.ingest)."""
    parts = [f"title {title!r}"] if title else []
    if page.heading:
        parts.append(f"heading {page.heading[:80]!r}")
    return f" ({', '.join(parts)})" if parts else ""


def _message(status: int, title: str, page: _Page) -> Verdict | None:
    for outcome, pattern in MESSAGES:
        said = pattern.search(page.body[:MAIN_SHORT * 2])
        if said and len(page.body) < MAIN_SHORT and _fills(page.body, pattern):
            return Verdict(outcome, f"HTTP {status} page saying {said.group(0)!r}"
                                    + _EXPLAINED.get(outcome, "") + _shown(title, page))
    if len(page.main) >= TITLE_TRUSTED:
        return None
    for outcome, pattern, believed in _TITLE_RULES:
        if _title_says(title, pattern) and believed(page):
            return Verdict(outcome, f"HTTP {status} page titled {title!r}" + _shown("", page))
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
    if by_status is None and not _may_say(source, text):
        return Verdict(FetchOutcome.OK)  # the common case, without parsing the page
    title = page_title(source)
    page = _read(source, text)
    if by_status == FetchOutcome.SERVER_ERROR:
        maintenance = _SAYS[FetchOutcome.MAINTENANCE]
        if maintenance.search(page.main) or _title_says(title, maintenance):
            return Verdict(FetchOutcome.MAINTENANCE, f"HTTP {status} maintenance page")
        return Verdict(by_status, f"HTTP {status}")
    if page.document:
        return Verdict(FetchOutcome.OK)
    return _message(status, title, page) or Verdict(FetchOutcome.OK)


def classify_page(status: int, source: str) -> FetchOutcome:
    """``diagnose()`` without the reason."""
    return diagnose(status, source).outcome


def landing(url: str, fetched_url: str | None) -> Verdict | None:
    """The outcome of a fetch that redirects took away from the document, or None.

    Portals answer a removed or moved document's URL with a redirect to 首页 (or to a column's
    index), a login wall with a redirect to its SSO page, and some errors with a redirect to
    /404.html: whatever page comes back is not the document, and must not become a version of
    it. A redirect to another URL of the same kind (http → https, /art/… → /zfxxgk/…) is not
    judged here: the page it brings is compared as content."""
    if not fetched_url or fetched_url == url:
        return None
    wanted, got = urlsplit(url), urlsplit(fetched_url)
    if (wanted.path, wanted.query) == (got.path, got.query):
        return None
    where = f"redirected from {url} to {fetched_url}"
    if (_LOGIN_URL.search(got.path) or "login" in got.query.lower()) \
            and not _LOGIN_URL.search(wanted.path):
        return Verdict(FetchOutcome.DENIED, f"{where} (a login page)")
    if _ERROR_URL.search(got.path) and not _ERROR_URL.search(wanted.path):
        return Verdict(FetchOutcome.REDIRECTED, f"{where} (an error page)")
    if _index_above(got.path, wanted.path):
        return Verdict(FetchOutcome.REDIRECTED, f"{where} (an index page, not the document)")
    return None


def _index_above(path: str, document: str) -> bool:
    """``path`` is 首页 or the index of a directory holding ``document``: TRS keeps a column's
    documents under it (/zwgk/zcwj/202603/t20260301_1.html, column /zwgk/zcwj/). An index
    below the document's directory (…/art_1/index.html for …/art_1.html) may be the document's
    own page, and is left to be compared as content."""
    folder, _, name = path.rpartition("/")
    if name and not _INDEX_FILE.match(name):
        return False
    home, _, page = document.rpartition("/")
    above = f"{home}/".startswith(f"{folder}/")
    if not page or _INDEX_FILE.match(page):  # the document is a directory's index itself
        return above and home != folder
    return above
