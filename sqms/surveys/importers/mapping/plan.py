"""Applying a mapping: :class:`MappingPlan` compiles it against the questions into per-column
converters; rows that convert become :class:`MappedRow`, the others give :class:`CellError`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from ..model import ParsedExport, ParsedRow
from ..textio import norm_label, parse_datetime
from .labels import OTHER_TEXT, label_number, scale_label_value, target_questions
from .spec import NUMERIC_KINDS, CellError, MappedRow, Mapping, QuestionSpec


class _Fail(Exception):
    def __init__(self, code: str, **params: object):
        self.code = code
        self.params = params


_SKIP = object()
_FALSY = frozenset({"", "0", "n", "no", "false", "-2", "-3", "否", "未选中", "未选"})


def _split_multi(s: str, known: set[str]) -> list[str]:
    if s.startswith("["):
        try:
            v = json.loads(s)
            if isinstance(v, list):
                return [str(x) for x in v]
        except ValueError:
            pass
    if s in known:
        return [s]
    for sep in ("┋", ";", "|"):
        if sep in s:
            return [p.strip() for p in s.split(sep) if p.strip()]
    parts = s.split(", ")
    out: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            cand = ", ".join(parts[i:j])
            if cand in known or j == i + 1:
                out.append(cand.strip())
                i = j
                break
    return [p for p in out if p]


Converter = Callable[[str], object]


class MappingPlan:
    """A mapping compiled against the questions: per-column converters, ready for fast use."""

    def __init__(self, mapping: Mapping, questions: list[QuestionSpec], *, tool: str = "",
                 heading_style: str | None = None, required_meta: Iterable[str] = ()):  # fmt: skip
        self.tool = tool
        #: 问卷星 option-number download: scale cells hold 1-based option positions
        self.positions = tool == "wjx" and heading_style == "number"
        self.required_meta = tuple(required_meta)
        qs = target_questions(questions)
        by_code = {q.code: q for q in questions}
        self.fast: list[tuple[str, str, dict[str, object], Converter]] = []
        self.multi_opts: list[tuple[str, str, str]] = []
        self.meta: list[tuple[str, str]] = []
        self.kinds: dict[str, str] = {}
        for key, target in mapping.columns.items():
            if target.startswith("@"):
                self.meta.append((key, target[1:]))
                continue
            if "=" in target:
                code, _, opt = target.partition("=")
                self.multi_opts.append((key, code, opt))
                continue
            q = qs.get(target) or by_code.get(target)
            if q is None or (q.kind == "dual" and target not in q.targets()):
                raise ValueError(f"mapping target {target!r} is not a question of this instrument"
                                 + (" (use .E / .P)" if q is not None else ""))  # fmt: skip
            lm = mapping.labels.get(target, {})
            self.kinds[target] = q.kind
            self.fast.append((key, target, *self._converter(q, lm)))
        self.lookups = [(k, t, lk) for k, t, lk, _ in self.fast if lk]
        self.others = [(k, t, c) for k, t, lk, c in self.fast if not lk]

    def _converter(self, q: QuestionSpec, lm: dict[str, int | str]
                   ) -> tuple[dict[str, object], Converter]:  # fmt: skip
        lo, hi = q.scale_min, q.scale_max
        nlabels = {norm_label(k): v for k, v in lm.items()}
        tool = self.tool
        if q.kind in NUMERIC_KINDS:
            lookup: dict[str, object] = {}
            shift = 0
            if self.positions and lo is not None and q.kind != "number":
                shift = lo - 1  # position k is the scale value lo + k - 1
            if lo is not None and hi is not None and hi - lo <= 1000:
                lookup = {str(i - shift): i for i in range(lo, hi + 1)}
            lookup.update(
                (k, v)
                for k, v in lm.items()
                if isinstance(v, (int, float)) and (lo is None or hi is None or lo <= v <= hi)
            )  # out-of-range or non-numeric label values go through conv_num and are reported

            def conv_num(v: str) -> object:
                s = v.strip()
                if not s:
                    return _SKIP
                x: object = nlabels.get(norm_label(s))
                if x is None:
                    try:
                        x = int(s) + shift
                    except ValueError:
                        try:
                            x = float(s)
                        except ValueError:
                            x = label_number(s)
                            if x is None:
                                x = scale_label_value(q, s)
                            if x is None:
                                raise _Fail("not_a_number", value=v) from None
                if q.kind == "number" and isinstance(x, float) and x.is_integer() and "." not in s:
                    x = int(x)
                in_range = lo is None or hi is None or not isinstance(x, (int, float))
                if not in_range and not lo <= x <= hi:  # type: ignore[operator]
                    if tool == "qualtrics" and x < 0 <= lo:  # type: ignore[operator]
                        return _SKIP  # -1 / -99: not applicable, seen but unanswered
                    raise _Fail("out_of_range", value=v, min=lo, max=hi)
                return x

            return lookup, conv_num
        if q.kind == "single":
            values = {v for v, _ in q.options}
            bylabel = {norm_label(lab): v for v, lab in q.options}
            lookup = {v: v for v in values}
            lookup.update(lm)

            def conv_single(v: str) -> object:
                s = OTHER_TEXT.sub("", v).strip()
                if not s:
                    return _SKIP
                if not values:
                    return s
                x = lm.get(s, nlabels.get(norm_label(s)))
                if x is None:
                    x = s if s in values else bylabel.get(norm_label(s))
                if x is None:
                    raise _Fail("unknown_option", value=v)
                return x

            return lookup, conv_single
        if q.kind == "multi":
            mvalues = {v for v, _ in q.options}
            mbylabel = {norm_label(lab): v for v, lab in q.options}
            known = {lab for _, lab in q.options} | mvalues | set(lm)

            def conv_multi(v: str) -> object:
                out: list[str] = []
                for part in _split_multi(v, known):
                    p = OTHER_TEXT.sub("", part).strip()
                    if not p:
                        continue
                    x = lm.get(p, nlabels.get(norm_label(p)))
                    if x is None:
                        x = p if (p in mvalues or not mvalues) else mbylabel.get(norm_label(p))
                    if x is None:
                        raise _Fail("unknown_option", value=part)
                    out.append(str(x))
                return out if out else _SKIP

            return {}, conv_multi

        def conv_text(v: str) -> object:
            return v if v.strip() else _SKIP

        return {}, conv_text

    def apply(self, row: ParsedRow, errors: list[CellError]) -> MappedRow | None:
        vals = row.values
        bad: list[CellError] = []
        try:  # fast path: every non-empty cell is a known value/label
            answers: dict[str, int | float | str | list[str]] = {
                t: lk[v]  # type: ignore[misc]
                for k, t, lk in self.lookups
                if (v := vals.get(k))
            }
        except KeyError:
            answers = {}
            for key, target, lookup, conv in self.fast:
                if not lookup:
                    continue
                v = vals.get(key)
                if not v:
                    continue
                x = lookup.get(v)
                if x is None:
                    try:
                        x = conv(v)
                    except _Fail as f:
                        bad.append(CellError.make(f.code, row.line, key, **f.params))
                        continue
                    if x is _SKIP:
                        continue
                answers[target] = x  # type: ignore[assignment]
        for key, target, conv in self.others:
            v = vals.get(key)
            if not v:
                continue
            try:
                x = conv(v)
            except _Fail as f:
                bad.append(CellError.make(f.code, row.line, key, **f.params))
                continue
            if x is not _SKIP:
                answers[target] = x  # type: ignore[assignment]
        for key, code, opt in self.multi_opts:
            v = vals.get(key)
            if v and v.strip().lower() not in _FALSY:
                lst = answers.setdefault(code, [])
                if isinstance(lst, list) and opt not in lst:
                    lst.append(opt)
        meta = dict(row.meta)
        submitted = row.submitted_at
        ext = row.external_id
        raw_date = meta.pop("submitted_at", None)
        if raw_date is not None and submitted is None:
            bad.append(CellError.make("bad_date", row.line, "submitted_at", value=raw_date))
        for key, name in self.meta:
            v = vals.get(key)
            if v is None or not v.strip():
                continue
            if name == "submitted_at":
                try:
                    submitted = parse_datetime(v)
                except ValueError:
                    bad.append(CellError.make("bad_date", row.line, key, value=v))
            elif name == "external_id":
                ext = f"{self.tool or 'import'}:{v.strip()}"
            else:
                meta[name] = v.strip()
        for name in self.required_meta:
            if name == "submitted_at":
                if submitted is None and raw_date is None:
                    bad.append(CellError.make("missing_meta", row.line, "@" + name, field=name))
            elif not meta.get(name):
                bad.append(CellError.make("missing_meta", row.line, "@" + name, field=name))
        if bad:
            errors.extend(bad)
            return None
        return MappedRow(row.line, ext, submitted, meta, answers)


def iter_apply_mapping(rows: Iterable[ParsedRow], plan: MappingPlan, errors: list[CellError], *,
                       include_incomplete: bool = False, include_test: bool = False
                       ) -> Iterator[MappedRow]:  # fmt: skip
    """Stream rows through a compiled plan; invalid rows are left out, their errors appended."""
    apply = plan.apply
    for row in rows:
        if (row.is_test and not include_test) or (not row.complete and not include_incomplete):
            continue
        m = apply(row, errors)
        if m is not None:
            yield m


def apply_mapping(export: ParsedExport, mapping: Mapping, questions: list[QuestionSpec],
                  include_incomplete: bool = False, include_test: bool = False, *,
                  required_meta: Iterable[str] = ()
                  ) -> tuple[list[MappedRow], list[CellError]]:  # fmt: skip
    """Convert every kept row; a row with any error is left out and its errors reported."""
    plan = MappingPlan(mapping, questions, tool=export.tool, heading_style=export.heading_style,
                       required_meta=required_meta)  # fmt: skip
    errors: list[CellError] = []
    out = list(iter_apply_mapping(export.rows, plan, errors,
                                  include_incomplete=include_incomplete,
                                  include_test=include_test))  # fmt: skip
    return out, errors
