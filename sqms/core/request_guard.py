"""Refuse malformed requests before any view or query sees them.

Every path: a NUL byte or invalid UTF-8 in the path or the query string is a 400 (PostgreSQL
cannot store NUL in text, and a filter that reached it would fail as a server error).

The JSON API (``/api/``) also checks request bodies: the size (413, before the body is read),
the content type (415), strict UTF-8, valid JSON, the nesting depth and NUL characters in any
string or key (400). Each refusal says what is wrong and where, in the ``{"detail": …}`` shape
of every other API error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
BODY_METHODS = {"POST", "PUT", "PATCH"}


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


def _check_query(raw: str) -> None:
    # the server hands the query over as latin-1 text; get its bytes back before decoding
    try:
        raw_bytes = raw.encode("iso-8859-1")
    except UnicodeEncodeError:
        raw_bytes = raw.encode("utf-8")
    for pair in raw_bytes.split(b"&"):
        name, _sep, value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(name.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(value.replace(b"+", b" "))
        label = name_bytes.decode("utf-8", errors="replace")
        for part in (name_bytes, value_bytes):
            if b"\x00" in part:
                raise Refused(
                    400, _("Query parameter '%(name)s' contains a NUL byte.") % {"name": label}
                )
            try:
                part.decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(
                    400, _("Query parameter '%(name)s' is not valid UTF-8.") % {"name": label}
                ) from None


def _check_path(request: HttpRequest) -> None:
    if "\x00" in request.path_info:
        raise Refused(400, _("The address contains a NUL byte."))


def _json_path(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or _("(the whole body)")


def _walk(value: Any, depth: int, path: list[str | int], max_depth: int) -> None:
    if depth > max_depth:
        raise Refused(
            400,
            _("The JSON body is nested deeper than %(max)d levels (at %(path)s).")
            % {"max": max_depth, "path": _json_path(path)},
        )
    if isinstance(value, str):
        if "\x00" in value:
            raise Refused(
                400, _("A NUL character is not allowed (at %(path)s).") % {"path": _json_path(path)}
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                raise Refused(
                    400,
                    _("A NUL character is not allowed in a key (at %(path)s).")
                    % {"path": _json_path(path)},
                )
            _walk(item, depth + 1, [*path, key], max_depth)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, depth + 1, [*path, index], max_depth)


def _check_body(request: HttpRequest) -> None:
    limit = settings.SQMS_API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused(400, _("The Content-Length header is not a number.")) from None
    if declared > limit:
        raise Refused(413, _body_too_big(limit))
    try:
        body = request.body
    except RequestDataTooBig:
        raise Refused(413, _body_too_big(limit)) from None
    if len(body) > limit:
        raise Refused(413, _body_too_big(limit))
    if not body:
        return
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise Refused(
            415,
            _("Send the body as application/json (received %(type)s).")
            % {"type": content_type or _("no content type")},
        )
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Refused(
            415, _("Send the body as UTF-8 (received %(charset)s).") % {"charset": charset}
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
            400, _("The body is not valid UTF-8 (byte %(pos)d).") % {"pos": exc.start + 1}
        ) from None
    max_depth = settings.SQMS_API_MAX_JSON_DEPTH
    try:
        data = json.loads(text)
    except RecursionError:
        raise Refused(
            400,
            _("The JSON body is nested deeper than %(max)d levels (at %(path)s).")
            % {"max": max_depth, "path": _json_path([])},
        ) from None
    except json.JSONDecodeError as exc:
        raise Refused(
            400,
            _("The body is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
            % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
        ) from None
    _walk(data, 0, [], max_depth)


def _body_too_big(limit: int) -> str:
    return _("The body is larger than %(size)s MB.") % {"size": f"{limit / 1024 / 1024:g}"}


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith(API_PREFIX)
        try:
            _check_path(request)
            _check_query(request.META.get("QUERY_STRING", ""))
            if is_api and request.method in BODY_METHODS:
                _check_body(request)
        except Refused as refused:
            if is_api:
                return JsonResponse({"detail": refused.message}, status=refused.status)
            response = HttpResponseBadRequest(
                refused.message, content_type="text/plain; charset=utf-8"
            )
            response.status_code = refused.status
            return response
        return self.get_response(request)
