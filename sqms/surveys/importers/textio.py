"""Decoding, a NULL-aware CSV tokenizer with line numbers, separators and date parsing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from .model import ImportFormatError

Record = tuple[int, list[str | None]]

_CJK = re.compile(r"[\u3400-\u9fff]")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``: BOM first, then strict UTF-8, then GB18030, then a guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise _decode_error(data, e, "UTF-8 (it starts with a UTF-8 BOM)", 3) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise _decode_error(data, e, "UTF-16") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    gb: str | None
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    if gb is not None and _CJK.search(gb):
        return gb, "gb18030"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:1_000_000]).best()
    except Exception:  # pragma: no cover - charset-normalizer is a dependency
        best = None
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    if gb is not None:
        return gb, "gb18030"
    raise ImportFormatError("undecodable")


def _decode_error(data: bytes, e: UnicodeDecodeError, enc: str, offset: int = 0
                  ) -> ImportFormatError:  # fmt: skip
    line = data.count(b"\n", 0, e.start + offset) + 1
    return ImportFormatError("wrong_encoding", line=line, encoding=enc)


def sniff_separator(text: str, candidates: str = ",;\t|") -> str:
    """Pick the separator that occurs most often (outside quotes) in the first record."""
    counts = dict.fromkeys(candidates, 0)
    in_q = False
    for ch in text[:200_000]:
        if ch == '"':
            in_q = not in_q
        elif not in_q:
            if ch in counts:
                counts[ch] += 1
            elif ch in "\r\n":
                break
    best = max(candidates, key=lambda c: counts[c])
    return best if counts[best] else ","


def iter_records(text: str, sep: str = ",", *, null_aware: bool = False) -> Iterator[Record]:
    """Yield ``(line, fields)`` for each record of a CSV text.

    ``line`` is the 1-based line on which the record starts. Records may end with CRLF, LF or a
    lone CR; quoted fields may hold any of them. With ``null_aware`` an empty *unquoted* field is
    ``None`` (LimeSurvey's NULL) while ``""`` is the empty string. Blank lines are skipped.
    """
    stop = re.compile("[" + re.escape(sep) + "\r\n]")
    n = len(text)
    i = 0
    line = 1
    find = text.find
    while i < n:
        start_line = line
        fields: list[str | None] = []
        quoted_any = False
        while True:
            if i < n and text[i] == '"':
                quoted_any = True
                j = i + 1
                parts = []
                while True:
                    k = find('"', j)
                    if k < 0:
                        raise ImportFormatError("unterminated_quote", line=start_line)
                    parts.append(text[j:k])
                    if k + 1 < n and text[k + 1] == '"':
                        parts.append('"')
                        j = k + 2
                        continue
                    break
                value: str | None = "".join(parts)
                i = k + 1
                m = stop.search(text, i)
                end = m.start() if m else n
                if end > i:  # junk after the closing quote: keep it, as the csv module does
                    value = (value or "") + text[i:end]
                i = end
                assert value is not None
                line += value.count("\n") + value.count("\r") - value.count("\r\n")
            else:
                m = stop.search(text, i)
                end = m.start() if m else n
                value = text[i:end]
                if not value and null_aware:
                    value = None
                i = end
            fields.append(value)
            if i >= n:
                break
            ch = text[i]
            if ch == sep:
                i += 1
                if i >= n:
                    fields.append(None if null_aware else "")
                    break
                continue
            # end of record
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 2
            else:
                i += 1
            line += 1
            break
        if len(fields) == 1 and not fields[0] and not quoted_any:
            continue  # blank line
        yield start_line, fields


_TZ_ABBR = re.compile(r"\s+(?!(?:AM|PM)$)(?:[A-Z]{2,5}|GMT[+-]\d{1,2}(?::?\d\d)?|UTC)$")
_AMPM = re.compile(r"\s*([AaPp])\.?\s*[Mm]\.?$")
_CN_AMPM = re.compile(r"^(.*?)\s*(上午|下午)\s*(.*)$")
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})[/.\-年](\d{1,2})[/.\-月](\d{1,4})日?"
    r"(?:[ T]+(\d{1,2})(?:[:时](\d{1,2}))?(?:[:分](\d{1,2})(?:\.(\d{1,6}))?)?秒?)?$"
)


def parse_datetime(value: str, *, dayfirst: bool | None = None) -> datetime:
    """Parse the date formats the survey tools write. Raises ``ValueError``.

    ISO-8601 (with or without offset), ``YYYY-MM-DD HH:MM:SS``, ``YYYY/MM/DD``, ``2016年12月17日``,
    ``M/D/YYYY H:MM:SS`` (``dayfirst`` for D/M/Y locales), ``AM``/``PM``/``上午``/``下午``, and a
    trailing time-zone abbreviation (dropped: the result is then naive).
    """
    s = value.strip()
    if not s:
        raise ValueError("empty date")
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        pass
    s = _TZ_ABBR.sub("", s)
    pm: bool | None = None
    m = _AMPM.search(s)
    if m:
        pm = m.group(1) in "Pp"
        s = s[: m.start()]
    else:
        cm = _CN_AMPM.match(s)
        if cm:
            pm = cm.group(2) == "下午"
            s = f"{cm.group(1)} {cm.group(3)}".strip()
    m2 = _NUMERIC_DATE.match(s.strip())
    if not m2:
        raise ValueError(f"unrecognised date {value!r}")
    a, b, c, hh, mi, ss, frac = m2.groups()
    if len(a) == 4:
        y, mo, d = int(a), int(b), int(c)
    elif len(c) in (2, 4):
        y = int(c) + (2000 if len(c) == 2 else 0)
        if dayfirst is None:
            dayfirst = int(a) > 12
        d, mo = (int(a), int(b)) if dayfirst else (int(b), int(a))
    else:
        raise ValueError(f"unrecognised date {value!r}")
    hour = int(hh or 0)
    if pm is not None:
        if hour > 12:
            raise ValueError(f"bad hour in {value!r}")
        hour = hour % 12 + (12 if pm else 0)
    micro = int((frac or "0").ljust(6, "0"))
    return datetime(y, mo, d, hour, int(mi or 0), int(ss or 0), micro)  # noqa: DTZ001


def infer_dayfirst(samples: list[str]) -> bool | None:
    """For ``a/b/yyyy`` dates: True if some ``a`` > 12, False if some ``b`` > 12, else None."""
    for s in samples:
        m = _NUMERIC_DATE.match(_AMPM.sub("", _TZ_ABBR.sub("", s.strip())).strip())
        if not m or len(m.group(1)) == 4:
            continue
        if int(m.group(1)) > 12:
            return True
        if int(m.group(2)) > 12:
            return False
    return None


def zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        m = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d\d)?", name)
        if m:
            sign = 1 if m.group(1) == "+" else -1
            return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)))
        return None


_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")


def clean_text(s: str) -> str:
    """Strip HTML tags, turn ``<br>``/nbsp into spaces and collapse whitespace."""
    if "<" in s:
        s = _TAG.sub(" ", s)
    if "&" in s:
        import html

        s = html.unescape(s)
    return _WS.sub(" ", s.replace("\xa0", " ")).strip()


def norm_label(s: str) -> str:
    """An answer label or heading for comparison: NFKC, lower case, single spaces."""
    s = unicodedata.normalize("NFKC", s).strip().lower()
    return _WS.sub(" ", s)
