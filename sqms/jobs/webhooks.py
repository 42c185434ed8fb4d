"""Webhook bodies per chat tool, and the POST that delivers them (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from sqms.jobs.choices import WebhookFormat

MAX_TEXT = 4000  # DingTalk and WeCom robots refuse longer text messages


class DeliveryError(Exception):
    """A message could not be delivered this time; the message is kept for a retry."""


def webhook_body(
    fmt: str, *, event_key: str, subject: str, body: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """The JSON a webhook of format ``fmt`` receives."""
    text = f"{subject}\n\n{body}".strip()[:MAX_TEXT]
    if fmt in (WebhookFormat.DINGTALK, WebhookFormat.WECOM):
        return {"msgtype": "text", "text": {"content": text}}
    if fmt == WebhookFormat.SLACK:
        return {"text": text}
    return {"event": event_key, "subject": subject, "body": body, "payload": payload}


def post_json(url: str, data: dict[str, Any], *, fmt: str, timeout: float) -> None:
    """POST ``data`` as JSON; raise :class:`DeliveryError` unless the receiver accepted it.

    DingTalk and WeCom answer HTTP 200 with ``{"errcode": n, "errmsg": …}``: a non-zero
    ``errcode`` (bad token, keyword missing, rate limit) is a failure too."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(f"refusing to post to a non-HTTP URL: {url[:60]!r}")
    request = urllib.request.Request(
        url,
        data=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "SQMS"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace")
        raise DeliveryError(f"HTTP {exc.code}: {detail}".strip()) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{type(exc).__name__}: {reason}") from None
    if fmt in (WebhookFormat.DINGTALK, WebhookFormat.WECOM):
        try:
            reply = json.loads(answer or b"{}")
        except ValueError:
            return
        if isinstance(reply, dict) and reply.get("errcode", 0) not in (0, "0"):
            raise DeliveryError(f"errcode {reply.get('errcode')}: {reply.get('errmsg', '')}")
