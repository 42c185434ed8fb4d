"""Benchmark of sqms.analytics.calendars against a naive minute-stepping baseline, same run.

    python bench/calendars.py [--scale full|small]

N SLA clocks on China's 2025 calendar (Mon-Fri 09:00-12:00, 13:30-18:00 Asia/Shanghai, the
2025 holidays and 调休 working days), started at random minutes of 2025 with random targets of
1-40 business hours, each with a 0-2 h pause, read at a random later instant: elapsed business
time, breach and the due instant (``clock_state``).  Baseline: step minute by minute from the
start, counting minutes whose local wall time is working time and not paused (what a scheduler
written without a calendar module does); run on a sample and checked against the module.
Results in bench/results/calendars.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqms.analytics.calendars import WorkCalendar, clock_state  # noqa: E402

SCALES = {"full": (100_000, 1_000), "small": (10_000, 200)}


def china_2025() -> WorkCalendar:
    def rng(a: date, b: date) -> list[date]:
        return [a + timedelta(days=i) for i in range((b - a).days + 1)]

    hol = [date(2025, 1, 1)] + rng(date(2025, 1, 28), date(2025, 2, 4))
    hol += rng(date(2025, 4, 4), date(2025, 4, 6)) + rng(date(2025, 5, 1), date(2025, 5, 5))
    hol += rng(date(2025, 5, 31), date(2025, 6, 2)) + rng(date(2025, 10, 1), date(2025, 10, 8))
    work = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28)]
    work.append(date(2025, 10, 11))
    return WorkCalendar.from_hours(
        "Asia/Shanghai", ["09:00-12:00,13:30-18:00"] * 5 + ["", ""], hol, work
    )


def make_cases(n: int, seed: int = 7) -> list[tuple[datetime, timedelta, datetime, list]]:
    r = random.Random(seed)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    cases = []
    for _ in range(n):
        start = t0 + timedelta(minutes=r.randrange(330 * 24 * 60))
        target = timedelta(minutes=r.randrange(60, 40 * 60))
        p0 = start + timedelta(minutes=r.randrange(0, 3 * 24 * 60))
        pauses = [(p0, p0 + timedelta(minutes=r.randrange(0, 120)))]
        now = start + timedelta(minutes=r.randrange(0, 10 * 24 * 60))
        cases.append((start, target, now, pauses))
    return cases


def naive_elapsed(cal: WorkCalendar, start, now, pauses) -> timedelta:
    """Count working minutes one at a time (all instants here are whole minutes)."""
    minutes, t = 0, start
    step = timedelta(minutes=1)
    while t < now:
        local = t.astimezone(cal.zone)
        m = local.hour * 60 + local.minute
        in_hours = any(a <= m < b for a, b in cal.day_hours(local.date()))
        if in_hours and not any(a <= t < b for a, b in pauses):
            minutes += 1
        t += step
    return timedelta(minutes=minutes)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=SCALES, default="full")
    n, n_naive = SCALES[ap.parse_args().scale]
    cal = china_2025()
    cases = make_cases(n)
    t = time.perf_counter()
    states = [clock_state(cal, s, tg, now, p) for s, tg, now, p in cases]
    fast = time.perf_counter() - t
    t = time.perf_counter()
    naive = [naive_elapsed(cal, s, now, p) for s, _tg, now, p in cases[:n_naive]]
    slow = time.perf_counter() - t
    mismatches = sum(a != st.elapsed for a, st in zip(naive, states, strict=False))
    breached = sum(st.breached for st in states)
    out = {
        "clocks": n,
        "module_s": round(fast, 3),
        "module_per_s": round(n / fast),
        "naive_sample": n_naive,
        "naive_s": round(slow, 3),
        "naive_per_s": round(n_naive / slow, 1),
        "speedup": round((n / fast) / (n_naive / slow), 1),
        "mismatches_in_sample": mismatches,
        "breached_share": round(breached / n, 3),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(out, indent=2))
    if mismatches:
        raise SystemExit("module and baseline disagree")
    Path(ROOT / "bench/results/calendars.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
