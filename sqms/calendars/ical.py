"""A small iCalendar (RFC 5545) reader for holiday feeds: the all-day dates of each VEVENT.

Only what a holiday calendar needs: line unfolding (a line starting with a space or tab
continues the previous one), ``DTSTART`` / ``DTEND`` / ``DURATION`` as DATE (``20261001``) or
DATE-TIME (``20261001T000000[Z]``; its written date is taken), and ``SUMMARY`` as the name.
``DTEND`` is exclusive; without it an event lasts one day. Errors name the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

MAX_EVENT_DAYS = 366
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$")
_DURATION = re.compile(r"^\+?P(?:(\d+)W|(\d+)D)(?:T.*)?$")


class IcalError(ValueError):
    """The file is not an iCalendar file this reader understands; the message names the line."""


@dataclass(frozen=True)
class IcalEvent:
    start: date
    end: date  # exclusive
    summary: str
    line: int

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IcalError(
            _("line %(line)d: the file is not UTF-8 text (byte %(byte)d).")
            % {"line": line, "byte": exc.start}
        ) from None


def unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if raw[:1] in (" ", "\t") and out:
            start, prev = out[-1]
            out[-1] = (start, prev + raw[1:])
        elif raw.strip():
            out.append((number, raw))
    return out


def _split(line: str) -> tuple[str, dict[str, str], str] | None:
    """``NAME;PARAM=V:VALUE`` → (NAME, params, value); a colon inside quotes is no separator."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head, value = line[:i], line[i + 1 :]
            name, *params = head.split(";")
            pairs = dict(p.split("=", 1) for p in params if "=" in p)
            return name.strip().upper(), {k.upper(): v for k, v in pairs.items()}, value
    return None


def _date(value: str, line: int, prop: str) -> tuple[date, bool]:
    """The date written in a DATE or DATE-TIME value, and whether a time of day followed."""
    m = _DATE.match(value.strip())
    if not m:
        raise IcalError(
            _("line %(line)d: %(prop)s value %(value)r is not a date (YYYYMMDD) or date-time.")
            % {"line": line, "prop": prop, "value": value}
        )
    try:
        d = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise IcalError(
            _("line %(line)d: %(prop)s value %(value)r is not a real date.")
            % {"line": line, "prop": prop, "value": value}
        ) from None
    has_time = m[4] is not None and (m[4], m[5], m[6]) != ("00", "00", "00")
    return d, has_time


def _text(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value).strip()


def parse_ical(data: bytes) -> list[IcalEvent]:
    """Every VEVENT of the file as an all-day span, in file order."""
    lines = unfold(_decode(data))
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise IcalError(_("line 1: an iCal file starts with BEGIN:VCALENDAR."))
    events: list[IcalEvent] = []
    current: dict[str, tuple[int, dict[str, str], str]] | None = None
    begun = 0
    for number, line in lines:
        parts = _split(line)
        if parts is None:
            raise IcalError(
                _("line %(line)d: %(text)r is not NAME:VALUE.") % {"line": number, "text": line}
            )
        name, params, value = parts
        upper = value.strip().upper()
        if name == "BEGIN" and upper == "VEVENT":
            if current is not None:
                raise IcalError(
                    _("line %(line)d: a VEVENT starts inside another.") % {"line": number}
                )
            current, begun = {}, number
        elif name == "END" and upper == "VEVENT":
            if current is None:
                raise IcalError(_("line %(line)d: END:VEVENT without BEGIN.") % {"line": number})
            events.append(_event(current, begun))
            current = None
        elif current is not None and name in ("DTSTART", "DTEND", "DURATION", "SUMMARY"):
            current[name] = (number, params, value)
    if current is not None:
        raise IcalError(_("line %(line)d: this VEVENT has no END:VEVENT.") % {"line": begun})
    return events


def _event(props: dict[str, tuple[int, dict[str, str], str]], begun: int) -> IcalEvent:
    if "DTSTART" not in props:
        raise IcalError(_("line %(line)d: this VEVENT has no DTSTART.") % {"line": begun})
    line, _params, value = props["DTSTART"]
    start, _t = _date(value, line, "DTSTART")
    if "DTEND" in props:
        end_line, _p, end_value = props["DTEND"]
        end, has_time = _date(end_value, end_line, "DTEND")
        if has_time:  # a date-time end covers its own day
            end += timedelta(days=1)
        if end < start:
            raise IcalError(_("line %(line)d: DTEND is before DTSTART.") % {"line": end_line})
        end = max(end, start + timedelta(days=1))
    elif "DURATION" in props:
        end_line, _p, dur = props["DURATION"]
        m = _DURATION.match(dur.strip().upper())
        if not m:
            raise IcalError(
                _("line %(line)d: DURATION %(value)r is not whole days or weeks (P1D, P2W).")
                % {"line": end_line, "value": dur}
            )
        days = int(m[1]) * 7 if m[1] else int(m[2])
        end = start + timedelta(days=max(days, 1))
    else:
        end = start + timedelta(days=1)
    if (end - start).days > MAX_EVENT_DAYS:
        raise IcalError(
            _("line %(line)d: an event of more than %(days)d days is not a holiday.")
            % {"line": line, "days": MAX_EVENT_DAYS}
        )
    summary = _text(props["SUMMARY"][2]) if "SUMMARY" in props else ""
    return IcalEvent(start=start, end=end, summary=summary[:200], line=line)
