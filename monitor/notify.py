"""Chat and webhook channels through apprise (``pip install govwatch[notify]``): DingTalk
(``dingtalk://``), WeCom (``wecombot://``), Feishu (``feishu://``), Slack (``slack://``), a generic
JSON webhook (``json://`` / ``jsons://``) and everything else apprise knows.

Each notify URL of a subscription is its own channel in the outbox, with the same exactly-once
bookkeeping as e-mail (``monitor.outbox``). The channel is named by a hash of the URL, never the
URL itself: webhook URLs carry their secret token, and channel names end up in logs.

Apprise makes the HTTP request in one call, so its point of no return is the call: the message is
marked *uncertain* just before it. A call apprise reports as failed (the service refused, or was
unreachable) goes back to *pending* and is retried with backoff like an SMTP refusal; a call that
timed out, or a process that died during the call, stays *uncertain*. (Apprise also reports a
webhook whose answer was lost as a failure; that rare case can deliver twice.)
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from monitor.config import Config
from monitor.digest import Digest, context
from monitor.templating import render

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "apprise:"


def channel_key(url: str) -> str:
    """``apprise:<scheme>:<hash>``: stable per URL, readable, and free of the URL's secret."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "url"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return f"{CHANNEL_PREFIX}{scheme}:{digest}"


def is_chat(channel: str) -> bool:
    return channel.startswith(CHANNEL_PREFIX)


def available() -> bool:
    """Whether the optional ``notify`` extra (apprise) is installed."""
    return importlib.util.find_spec("apprise") is not None


@dataclass(frozen=True)
class ChatMessage:
    title: str
    body: str   # Markdown

    def encode(self) -> bytes:
        return json.dumps({"title": self.title, "body": self.body, "format": "markdown"},
                          ensure_ascii=False).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> ChatMessage:
        value: dict[str, Any] = json.loads(data.decode("utf-8"))
        return cls(str(value["title"]), str(value["body"]))


def render_chat(digest: Digest, config: Config | None = None) -> ChatMessage:
    """The short Markdown digest for chat channels (``templates/email/digest.md``)."""
    ctx = context(digest, config)
    title = " ".join(render("email/subject.txt", **ctx).split())
    body = render("email/digest.md", **ctx).strip() + "\n"
    return ChatMessage(title, body)


class NotifyFailure(Exception):
    """An apprise notification failed. ``permanent`` when the URL is not one apprise accepts,
    ``delivered_unknown`` when apprise gave up waiting (the service may have it), ``aborted``
    when ``before_commit`` refused and nothing was sent."""

    def __init__(self, message: str, *, permanent: bool = False,
                 delivered_unknown: bool = False, aborted: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.delivered_unknown = delivered_unknown
        self.aborted = aborted


class AppriseTransport:
    def __init__(self, timeout: float = 60) -> None:
        self.timeout = timeout

    def send(self, url: str, message: ChatMessage, before_commit: Callable[[], bool]) -> None:
        """Notify one apprise URL. Raises ``NotifyFailure``; error messages name the channel,
        never the URL (it holds the token)."""
        try:
            import apprise
        except ImportError:
            raise NotifyFailure("apprise is not installed; install govwatch[notify]") from None
        name = channel_key(url)
        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise NotifyFailure(f"{name}: apprise does not accept this notify URL",
                                permanent=True)
        if not before_commit():
            raise NotifyFailure(f"{name}: withdrawn before sending", aborted=True)
        result = notifier.notify(body=message.body, title=message.title,
                                 body_format=apprise.NotifyFormat.MARKDOWN, timeout=self.timeout)
        status = result.status
        if status == apprise.AppriseResultStatus.SUCCESS:
            return
        if status == apprise.AppriseResultStatus.TIMEOUT:
            raise NotifyFailure(f"{name}: no answer within {self.timeout:g}s",
                                delivered_unknown=True)
        raise NotifyFailure(f"{name}: the service refused the notification or could not be "
                            f"reached ({status.name.lower()})")
