"""Native CSV imports: the column-wise writer and the forked parser store exactly what the
row-by-row path stores — responses, rollups, counts, errors — on awkward files.

Three ways through ``do_import_file`` for the same file, each into its own campaign:

* ``columns`` — the default: ``NativeReader.iter_chunks`` chunks into ``ColumnWriter``, a
  chunk that is not the simple case falling back to the row path (``CHUNK`` is made small so a
  file mixes both);
* ``rows`` — ``VectorPlan`` disabled, so every chunk becomes row dicts checked by
  ``check_answers`` one by one (the plain row-by-row writer);
* ``bytes`` — the file given as bytes: parsed whole by ``parse_export`` and mapped by
  ``MappingPlan.apply`` (no streaming reader at all), also with ``VectorPlan`` disabled.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import pytest

from sqms.core.choices import Channel
from sqms.surveys import actions, column_writer, native_pipeline, vector_plan
from sqms.surveys.answers import AnswerPlan
from sqms.surveys.importers import native_targets
from sqms.surveys.models import CampaignSite, ImportBatch, Instrument, Question, Response, Rollup

SMALL_CHUNK = 4


class _NoVector(vector_plan.VectorPlan):
    def __init__(self, plan: AnswerPlan) -> None:
        super().__init__(plan)
        self.ok = False


@pytest.fixture
def setup(world):  # type: ignore[no-untyped-def]
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    world.site_b.time_zone = "America/New_York"
    world.site_b.save(update_fields=["time_zone"])

    def make(code: str, name: str):  # type: ignore[no-untyped-def]
        c = actions.do_create_campaign(
            {
                "name": name,
                "instrument": Instrument.objects.get(code=code, is_current=True),
                "sites": [world.site_a, world.site_b],
                "services": [world.service],
                "status": "open",
            },
            acting_user=None,
            channel=Channel.CLI,
        )
        # an id already stored in the campaign (the file repeats it: skipped, not rejected)
        actions.write_responses(
            c,
            [
                {
                    "answers": _answers(code, 3),
                    "site": "ALPHA",
                    "external_id": "native:old-1",
                    "submitted_at": "2026-02-10T10:00:00+08:00",
                }
            ],
            channel="api",
            acting_user=None,
        )
        return c

    return make


def _answers(code: str, n: int) -> dict[str, Any]:
    if code == "SERVQUAL":
        a: dict[str, Any] = {}
        for k in range(1, 23):
            a[f"SQ{k:02d}.E"] = 1 + (n + k) % 7
            a[f"SQ{k:02d}.P"] = 1 + (n * 3 + k) % 7
        a["OVERALL"] = 1 + n % 7
        if n % 3 == 0:
            a.update({"IMP_TAN": 10, "IMP_REL": 40, "IMP_RES": 20, "IMP_ASS": 20, "IMP_EMP": 10})
        return a
    if code == "NPS":
        return {"NPS": n % 11}
    return {"CSAT": 1 + n % 5}


def _csv(campaign, rows: list[list[Any]]) -> bytes:  # type: ignore[no-untyped-def]
    """A native CSV (UTF-8 with BOM, CRLF) for the campaign's instrument; each row is
    ``[response_id, submitted_at, site, service, channel, language, {target: cell}]``."""
    targets = native_targets(actions.question_specs(campaign.instrument))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["response_id", "submitted_at", "site", "service", "channel", "language", *targets])
    for *head, cells in rows:
        w.writerow([*head, *(cells.get(t, "") for t in targets)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _good(i: int, code: str = "SERVQUAL", **over: Any) -> list[Any]:
    a = _answers(code, i)
    if i % 2:
        a["COMMENT"] = f"第{i}条：很好, with “quotes”"
    row = [
        f"r{i}",
        f"2026-0{1 + i % 9}-1{i % 10}T0{i % 10}:15:00+00:00",
        "ALPHA" if i % 3 else "BRAVO",
    ]
    row += ["SALES" if i % 4 == 0 else "", "", "zh-Hans" if i % 2 else "", a]
    for k, v in over.items():
        row[["rid", "ts", "site", "service", "channel", "language"].index(k)] = v
    return row


def awkward_rows(code: str = "SERVQUAL") -> list[list[Any]]:
    """Chunks of 4 lines: some simple (column-wise), some not (row by row)."""
    rows: list[list[Any]] = [_good(i, code) for i in range(4)]  # chunk 1: simple
    bad_range = _good(10, code)
    bad_range[-1] = {**bad_range[-1], "OVERALL": "8"}
    text_num = _good(11, code)
    text_num[-1] = {**text_num[-1], "SQ05.P": "abc"}
    rows += [bad_range, text_num, _good(12, code, site="ZULU"), _good(13, code)]  # chunk 2
    padded = _good(14, code)
    padded[-1] = {**padded[-1], "COMMENT": "   排队太久了  "}
    rows += [_good(1, code), _good(15, code, rid="old-1"), padded, _good(16, code)]  # chunk 3
    # chunk 4: aware, around month starts (Asia/Shanghai for ALPHA, New York for BRAVO)
    rows += [
        _good(20, code, ts="2026-03-31T23:30:00+00:00", site="ALPHA"),  # April in Shanghai
        _good(21, code, ts="2026-03-31T15:59:59+00:00", site="ALPHA"),  # still March 31
        _good(22, code, ts="2026-04-01T03:30:00+00:00", site="BRAVO"),  # March 31 in New York
        _good(23, code, ts="2026-04-30T20:00:00-04:00", site="BRAVO"),  # April there
    ]
    # chunk 5: no offset (the site's time zone), microseconds, and an empty submitted_at
    rows += [
        _good(24, code, ts="2026-03-31T23:30:00", site="ALPHA"),
        _good(25, code, ts="2026-05-31T23:59:59.250000", site="BRAVO"),
        _good(26, code, ts="2026-06-01T00:00:00", site="bravo"),
        _good(27, code, ts="2026-07-01T00:00:00+08:00", site="ALPHA"),
    ]
    # chunk 6: a missing site, unknown service, a repeat inside the chunk, an odd channel
    rows += [
        _good(30, code, site=""),
        _good(31, code, service="NOPE"),
        _good(32, code, rid="dup-x", channel="staff"),
        _good(33, code, rid="dup-x", channel="bogus"),
    ]
    # chunk 7: bad date, whitespace-only comment, no response id twice, empty answer cells
    no_answers = _good(43, code)
    no_answers[-1] = {}
    rows += [
        _good(40, code, ts="2026-13-01T00:00:00"),
        [*_good(41, code)[:-1], {**_answers(code, 41), "COMMENT": "   "}],
        _good(42, code, rid=""),
        no_answers,
    ]
    rows += [_good(50 + i, code, rid="") for i in range(3)]  # chunk 8 (short): simple again
    return rows


def _run(
    monkeypatch: pytest.MonkeyPatch,
    campaign,  # type: ignore[no-untyped-def]
    path: Path,
    mode: str,
    *,
    fork: bool = False,
    **kw: Any,
) -> tuple[Any, list[tuple[bool, bool]]]:
    """Import ``path`` into ``campaign`` one of the three ways; returns (report or the raised
    exception, [(column writer took the chunk, chunk came prepared by the parser process)])."""
    calls: list[tuple[bool, bool]] = []
    with monkeypatch.context() as m:
        m.setattr(column_writer, "CHUNK", SMALL_CHUNK)
        m.setattr(native_pipeline, "PIPELINE_MIN_BYTES", 0 if fork else 1 << 40)
        if mode != "columns":  # looked up by _write and do_import_file: patched there
            m.setattr(actions.responses, "VectorPlan", _NoVector)
            m.setattr(actions.imports, "VectorPlan", _NoVector)
        write = column_writer.ColumnWriter.write

        def spy(self, cr):  # type: ignore[no-untyped-def]
            done = write(self, cr)
            calls.append((done, cr.prepared is not None))
            return done

        m.setattr(column_writer.ColumnWriter, "write", spy)
        source: Any = path.read_bytes() if mode == "bytes" else str(path)
        try:
            report = actions.do_import_file(
                campaign, source, path.name, acting_user=None, channel=Channel.CLI, **kw
            )
        except Exception as exc:  # noqa: BLE001 — compared between the paths
            return exc, calls
    return report, calls


def _state(campaign) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    responses = sorted(
        (
            r.external_id or "",
            r.site.code,
            r.service_id or 0,
            r.channel,
            r.language,
            r.submitted_at.astimezone(dt.UTC).isoformat(),
            repr(sorted(r.answers.items())),
            r.comment,
            r.import_batch_id is not None,
        )
        for r in Response.objects.filter(campaign=campaign).select_related("site")
    )
    rollups = sorted(
        (
            r.site.code,
            r.service_key,
            r.channel,
            r.period,
            r.measure,
            r.n,
            round(r.total, 6),
            round(r.total_sq, 6),
        )
        for r in Rollup.objects.filter(campaign=campaign).select_related("site")
    )
    counts = sorted(
        CampaignSite.objects.filter(campaign=campaign).values_list("site__code", "response_count")
    )
    batches = [
        (b.imported, b.skipped, b.rejected, b.rejects_csv)
        for b in ImportBatch.objects.filter(campaign=campaign)
    ]
    return {"responses": responses, "rollups": rollups, "counts": counts, "batches": batches}


def _outcome(report: Any) -> Any:
    if isinstance(report, Exception):
        return (type(report).__name__, str(report))
    errors = [(p.row, p.column, p.message) for p in report.errors]
    return {
        "imported": report.imported,
        "skipped": report.skipped,
        "rejected": report.rejected,
        "errors": errors,
    }


def _same_three_ways(setup, monkeypatch, tmp_path, data: bytes, code="SERVQUAL", **kw):  # type: ignore[no-untyped-def]
    path = tmp_path / "responses.csv"
    path.write_bytes(data)
    got = {}
    calls = {}
    for mode in ("columns", "rows", "bytes"):
        c = setup(code, mode)
        report, calls[mode] = _run(monkeypatch, c, path, mode, **kw)
        got[mode] = (_outcome(report), _state(c))
    assert got["columns"] == got["rows"]
    assert got["columns"] == got["bytes"]
    assert calls["rows"] == calls["bytes"] == []
    return got["columns"], calls["columns"]


def test_awkward_file_skip_invalid(setup, monkeypatch, tmp_path):
    c0 = setup("SERVQUAL", "layout")
    (outcome, state), calls = _same_three_ways(
        setup, monkeypatch, tmp_path, _csv(c0, awkward_rows()), skip_invalid=True
    )
    # both kinds of chunk were seen: written column-wise, and handed to the row path
    assert (True, False) in calls and (False, False) in calls
    assert sum(done for done, _p in calls) >= 3
    errors = outcome["errors"]
    assert {(line, col) for line, col, _m in errors} == {
        (6, "OVERALL"),  # 8: out of range
        (7, "SQ05.P"),  # text in a score column
        (8, "@site"),  # ZULU: not a site of the campaign
        (22, "@site"),  # no site, no default
        (23, "@service"),  # unknown service
        (26, "submitted_at"),  # not a date
        *((29, t) for t in ("OVERALL", *(f"SQ{k:02d}.{p}" for k in range(1, 23) for p in "EP"))),
    }
    assert (8, "@site", "site ZULU is not part of this campaign") in errors
    assert outcome["rejected"] == 7
    assert outcome["skipped"] == 3  # r1 again, old-1 (stored), dup-x again
    assert outcome["imported"] == len(state["responses"]) - 1  # + the one stored before
    by_id = {r[0]: r for r in state["responses"]}
    assert by_id["native:r14"][7] == "排队太久了"  # the padded comment, trimmed
    assert by_id["native:r1"][7] == "第1条：很好, with “quotes”"
    assert by_id["native:dup-x"][3] == "staff"  # a valid channel is kept
    assert "native:r41" in by_id and by_id["native:r41"][7] == ""  # blank comment: none
    # the month boundary: 23:30 UTC on March 31 is April 1 in Shanghai
    periods = {(r[0], r[3]) for r in state["rollups"] if r[4] == "RESP"}
    assert ("ALPHA", dt.date(2026, 4, 1)) in periods
    assert ("BRAVO", dt.date(2026, 3, 1)) in periods


def test_awkward_file_atomic_writes_nothing(setup, monkeypatch, tmp_path):
    c0 = setup("SERVQUAL", "layout")
    before = _state(c0)
    (outcome, state), _calls = _same_three_ways(
        setup, monkeypatch, tmp_path, _csv(c0, awkward_rows())
    )
    assert outcome["imported"] == 0 and outcome["errors"]
    assert state == before  # only the response stored before the import


def test_clean_file_all_column_wise(setup, monkeypatch, tmp_path):
    c0 = setup("SERVQUAL", "layout")
    rows = [_good(i) for i in range(30)]
    (outcome, state), calls = _same_three_ways(setup, monkeypatch, tmp_path, _csv(c0, rows))
    assert outcome["imported"] == 30 and outcome["errors"] == []
    assert calls and all(done for done, _p in calls)
    assert len(state["rollups"]) > 100


@pytest.mark.parametrize("default", [True, False])
def test_missing_site_with_and_without_default(setup, world, monkeypatch, tmp_path, default):
    c0 = setup("NPS", "layout")
    rows = [_good(i, "NPS", site="" if i % 2 else "ALPHA") for i in range(10)]
    kw: dict[str, Any] = {"skip_invalid": True}
    if default:
        kw["default_site"] = world.site_b
    (outcome, state), calls = _same_three_ways(
        setup, monkeypatch, tmp_path, _csv(c0, rows), code="NPS", **kw
    )
    if default:
        assert outcome["imported"] == 10 and ["BRAVO", 5] in map(list, state["counts"])
        assert all(done for done, _p in calls)
    else:
        assert outcome["imported"] == 5 and outcome["rejected"] == 5
        assert {e[1:] for e in outcome["errors"]} == {("@site", "no site given")}


def test_multiple_choice_instrument(world, monkeypatch, tmp_path):
    """Choice questions take the row path whatever the mode; still the same outcome — and the
    multiple-choice answers are stored (``iter_chunks`` used to drop every column that is not a
    plain score or text from the chunks it maps row by row)."""
    inst = Instrument.objects.create(code="MIXED", name_en="Mixed", kind="custom")
    Question.objects.create(
        instrument=inst, order=1, code="SAT", kind="likert", role="csat", scale_min=1, scale_max=5
    )
    opts = [{"value": "A", "label_en": "Deposit"}, {"value": "B", "label_en": "Loan"}]
    Question.objects.create(
        instrument=inst,
        order=2,
        code="USED",
        kind="multi",
        role="other",
        options=opts,
        required=False,
    )
    Question.objects.create(
        instrument=inst, order=3, code="COMMENT", kind="text", role="comment", required=False
    )

    def make(_code: str, name: str):  # type: ignore[no-untyped-def]
        return actions.do_create_campaign(
            {"name": name, "instrument": inst, "sites": [world.site_a], "status": "open"},
            acting_user=None,
            channel=Channel.CLI,
        )

    rows = [
        ["m1", "2026-03-31T23:30:00+00:00", "ALPHA", "", "", "", {"SAT": 5, "USED": '["A", "B"]'}],
        ["m2", "", "", "", "", "", {"SAT": 4, "USED": "", "COMMENT": " 好 "}],
        ["m3", "2026-03-02T10:00:00", "ALPHA", "", "", "", {"SAT": 3, "USED": '["C"]'}],
        ["m4", "2026-03-02T10:00:00", "ALPHA", "", "", "", {"SAT": "", "COMMENT": "空"}],
        ["m5", "2026-03-02T10:00:00", "ALPHA", "", "", "", {"SAT": 2, "USED": '["B"]'}],
    ]
    (outcome, state), _calls = _same_three_ways(
        make, monkeypatch, tmp_path, _csv(make("", "layout"), rows), skip_invalid=True
    )
    assert outcome["imported"] == 2
    answers = [r[6] for r in state["responses"]]
    assert answers == ["[('SAT', 5), ('USED', ['A', 'B'])]", "[('SAT', 2), ('USED', ['B'])]"]


# ---------------------------------------------------------------- the forked parser process


def _fork_usable() -> bool:
    import multiprocessing

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


needs_fork = pytest.mark.skipif(
    not _fork_usable(), reason="the import forks only from a single-threaded process"
)


@needs_fork
@pytest.mark.parametrize("skip_invalid", [True, False])
def test_forked_parse_stores_the_same(setup, monkeypatch, tmp_path, skip_invalid):
    c0 = setup("SERVQUAL", "layout")
    rows = awkward_rows() + [_good(100 + i) for i in range(40)]
    path = tmp_path / "big.csv"
    path.write_bytes(_csv(c0, rows))
    got = {}
    for mode, fork in (("in-process", False), ("forked", True)):
        c = setup("SERVQUAL", mode)
        report, calls = _run(monkeypatch, c, path, "columns", fork=fork, skip_invalid=skip_invalid)
        got[mode] = (_outcome(report), _state(c))
        # the parser process prepared the answers of the chunks it sent (the in-process
        # path leaves that to the writer)
        assert any(p for _d, p in calls) == fork
    assert got["forked"] == got["in-process"]
    assert got["forked"][0]["errors"]


@needs_fork
def test_forked_parse_bad_utf8_midway(setup, monkeypatch, tmp_path):
    c0 = setup("SERVQUAL", "layout")
    data = _csv(c0, [_good(i) for i in range(400)])
    cut = data.index(b"\r\n", len(data) // 2) + 2
    data = data[:cut] + b"r-bad,,ALPHA,,,,\xff\xfe\r\n" + data[cut:]
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    got = {}
    for mode, fork in (("in-process", False), ("forked", True)):
        c = setup("SERVQUAL", mode)
        before = _state(c)
        report, calls = _run(monkeypatch, c, path, "columns", fork=fork, skip_invalid=True)
        assert isinstance(report, Exception), report
        assert sum(d for d, _p in calls) > 10  # chunks were written, then rolled back
        assert _state(c) == before
        assert not ImportBatch.objects.filter(campaign=c).exists()
        got[mode] = _outcome(report)
    assert got["forked"] == got["in-process"]
    assert "UTF-8" in got["forked"][1]
