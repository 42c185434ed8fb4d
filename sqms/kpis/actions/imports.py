"""Importing KPI values from a CSV (UTF-8 with or without BOM, GB18030) or XLSX file with the
columns kpi, site, period, value and optionally n: every row is checked first, and the file
is refused as a whole (each problem naming its line and column) or written as a whole."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed, site_ids_in_scope
from sqms.kpis import periods as P
from sqms.kpis.actions.charts import judge_kpi
from sqms.kpis.actions.values import EnteredValue, check_value, write_entered
from sqms.kpis.choices import ValueOrigin
from sqms.kpis.models import Kpi, KpiValue
from sqms.surveys.importers.model import ImportFormatError
from sqms.surveys.importers.spreadsheet import read_xlsx
from sqms.surveys.importers.textio import decode_bytes

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

COLUMNS = {
    "kpi": ("kpi", "kpi_code", "指标", "指标代码"),
    "site": ("site", "site_code", "门店", "门店编码"),
    "period": ("period", "month", "date", "week", "期间", "月份", "日期"),
    "value": ("value", "值", "数值"),
    "n": ("n", "count", "样本量", "分母"),
}
REQUIRED = ("kpi", "site", "period", "value")


@dataclass(frozen=True)
class ImportResult:
    rows: int
    kpis: int


def _records(data: bytes) -> list[tuple[int, list[str]]]:
    if data.startswith(b"PK\x03\x04"):
        return [(n, ["" if v is None else str(v) for v in values]) for n, values in read_xlsx(data)]
    text, _encoding = decode_bytes(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def _number(text: str) -> float | None:
    try:
        x = float(text.strip().replace(",", ""))
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


def parse_values(data: bytes, user: Any) -> dict[Kpi, list[EnteredValue]]:
    """The file's rows by KPI, or ValidationError listing every problem."""

    def err(line: int, column: str, message: str) -> str:
        return _("line %(line)d, column %(column)s: %(message)s") % {
            "line": line,
            "column": column,
            "message": message,
        }

    try:
        records = [(n, r) for n, r in _records(data) if any(c.strip() for c in r)]
    except ImportFormatError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if not records:
        raise ValidationError({"file": _("line 1: the file is empty")})
    header_line, header = records[0]
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    cols: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                cols[key] = i
                break
    missing = [k for k in REQUIRED if k not in cols]
    if missing:
        raise ValidationError(
            {
                "file": _("line %(line)d: missing column(s) %(names)s (expected: %(all)s)")
                % {"line": header_line, "names": ", ".join(missing), "all": ", ".join(COLUMNS)}
            }
        )
    kpis = {k.code: k for k in Kpi.objects.all()}
    scope = site_ids_in_scope(user) if user is not None else None
    sites = {s.code: s for s in Site.objects.all()}
    errors: list[str] = []
    out: dict[Kpi, list[EnteredValue]] = defaultdict(list)
    seen: dict[tuple[str, str, Any], int] = {}
    for line, row in records[1:]:

        def cell(key: str, row: list[str] = row) -> str:
            i = cols.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        kpi = kpis.get(cell("kpi"))
        site = sites.get(cell("site"))
        if kpi is None:
            errors.append(
                err(line, "kpi", _("no KPI with the code %(code)r") % {"code": cell("kpi")})
            )
        if site is None or (scope is not None and site.pk not in scope):
            errors.append(
                err(line, "site", _("no site %(code)r in your scope") % {"code": cell("site")})
            )
        value = _number(cell("value"))
        if value is None:
            errors.append(err(line, "value", _("not a number: %(text)r") % {"text": cell("value")}))
        n = _number(cell("n")) if cell("n") else None
        if cell("n") and n is None:
            errors.append(err(line, "n", _("not a number: %(text)r") % {"text": cell("n")}))
        if kpi is None:
            continue
        period = P.parse(cell("period"), kpi.period)
        if period is None:
            errors.append(
                err(
                    line,
                    "period",
                    _("not a %(period)s: %(text)r")
                    % {"period": kpi.get_period_display(), "text": cell("period")},
                )
            )
        if site is None or value is None or period is None:
            continue
        problem = check_value(kpi, value, n)
        if problem:
            errors.append(err(line, "value", problem))
            continue
        dup = (kpi.code, site.code, period)
        if dup in seen:
            errors.append(
                err(
                    line,
                    "period",
                    _("repeats line %(other)d (same KPI, site and period)") % {"other": seen[dup]},
                )
            )
            continue
        seen[dup] = line
        out[kpi].append(EnteredValue(site, period, value, n))
    if errors:
        raise ValidationError({"file": errors})
    if not out:
        raise ValidationError({"file": _("the file has no rows of values")})
    return dict(out)


@transaction.atomic(durable=True)
def do_import_values(data: bytes, *, acting_user: User | None, channel: str) -> ImportResult:
    """Import the file: all its rows or none."""
    ensure_allowed(acting_user, "add", KpiValue, message=_("Your role may not enter KPI values."))
    by_kpi = parse_values(data, acting_user)
    now = timezone.now()
    rows = 0
    for kpi, values in by_kpi.items():
        rows += write_entered(
            kpi,
            values,
            origin=ValueOrigin.IMPORT,
            now=now,
            acting_user=acting_user,
            channel=channel,
        )
        judge_kpi(kpi, now=now)
    return ImportResult(rows=rows, kpis=len(by_kpi))
