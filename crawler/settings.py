"""Scrapy settings for govwatch. Each departure from Scrapy's defaults says why (a comment on
its line or at the head of its block; tests/crawler/test_settings.py checks), and each
``GOVWATCH_*`` setting says what it does. Override any of them for one crawl with
``govwatch crawl -s NAME=VALUE``.
"""

from __future__ import annotations

# The project: one spider per configured site (seeds/*.yaml), so `scrapy list` shows the sites.
BOT_NAME = "govwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
SPIDER_LOADER_CLASS = "crawler.spiderloader.SiteSpiderLoader"

# Identify ourselves: portal webmasters should be able to tell who is visiting and why.
USER_AGENT = "govwatch/0.1 (policy document monitor; +https://github.com/govwatch/govwatch)"
ROBOTSTXT_OBEY = True  # per-site `obey_robots: false` for portals whose robots.txt is broken

# Politeness: government servers are small. One or two requests at a time per host, adaptive;
# sites crawl side by side (one crawler each), so the total is per site, not per host.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%: requests at a fixed rhythm look like a bot hammering
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 60  # many portals are slow, some very slow at night
# Sizes: a policy page is tens of KB; a 50 MB "page" is a misconfigured download link.
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
# A body shorter than its Content-Length must fail (a `truncated` outcome), never be stored as a
# version that lost its last paragraphs. This is Scrapy's default, stated because it matters.
DOWNLOAD_FAIL_ON_DATALOSS = True

# Retries (crawler.retry): wait before each, doubling; honour Retry-After up to a cap; hold the
# whole host meanwhile. 429 and 408 are retried too: portals answer them when busy.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
}
GOVWATCH_RETRY_BACKOFF = 2.0        # seconds before the first retry; doubles for each next one
GOVWATCH_RETRY_BACKOFF_MAX = 60.0   # the longest pause between two tries
GOVWATCH_RETRY_AFTER_MAX = 300.0    # a longer Retry-After is not waited for in this run
# A fetch that failed after its retries is a fetch outcome the run summary reports, not a
# program error to shout about on the terminal.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"

COOKIES_ENABLED = True  # some portals set a session cookie on the list page and expect it back
TELNETCONSOLE_ENABLED = False  # a long-running service must not open a console port
# Scrapy 2.19's remote control is an HTTP server on localhost that runs Python code (its token in
# a file under $HOME): nothing a crawl driven by the scheduler should expose.
REMOTE_CONTROL_ENABLED = False
# Portals chain at most two or three redirects (http→https, / → index.shtml); more is a wall
# reloading itself, reported as a challenge after a few tries rather than twenty.
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 5
REFERER_ENABLED = True
# Portals answer Chinese to Chinese; some send an English error page to other clients.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}

# Each callback yields one item (or a request and no item); Scrapy's default of 100 starts 100
# asyncio workers per response to process them, most of a recheck run's CPU time.
CONCURRENT_ITEMS = 8
# The archive: every fetch goes to monitor.ingest; the run record and progress are extensions.
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 100,
    "crawler.extensions.Progress": 110,
}
GOVWATCH_PROGRESS_INTERVAL = 30.0  # seconds between progress lines; 0 switches them off
GOVWATCH_ATTACHMENT_MAXSIZE = 30 * 1024 * 1024  # larger files are recorded by name and URL only
GOVWATCH_RECHECK_BATCH = 500  # due documents queued at a time: memory flat in the site's size
GOVWATCH_STORE_BATCH = 50  # unchanged fetches (304, same bytes) stored in one transaction
# Days after which a run walks each column to its end again even when its first page lists only
# known documents (crawler.walks): a document published late with an old date sorts onto page 3,
# where an early stop never looks. A site's own `full_walk_days` wins; 0 walks whole every run.
GOVWATCH_FULL_WALK_DAYS = 7.0

# Logging: govwatch's CLI decides what reaches the terminal; items carry whole pages, so the
# log says which URL and what came of it instead of their repr.
LOG_LEVEL = "INFO"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
LOG_FORMATTER = "crawler.logformatter.BriefLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"  # feeds (scrapy crawl -o) keep Chinese readable

# Set by `govwatch` (or the environment) for each crawl.
GOVWATCH_CONFIG = None  # config file or folder; default GOVWATCH_CONFIG env or seeds/
GOVWATCH_DB = None      # SQLAlchemy URL; default GOVWATCH_DB env or sqlite:///govwatch.db
