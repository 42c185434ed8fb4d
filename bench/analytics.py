"""Benchmark of sqms.analytics against plain baselines measured in the same run.

    python bench/analytics.py [--scale full|small]

* SERVQUAL gaps (item, dimension and overall with t-intervals) on N respondents x 44 items
  (22 expectations + 22 perceptions, 1 % missing) -- baseline: pandas stack + groupby.
* Cronbach's alpha of the 22 perception items -- baseline: pingouin.cronbach_alpha.
* p chart with all 8 run rules -- baseline: a plain per-point Python loop.
* Erlang C staffing for 672 intervals (a week of 15 minutes), loads up to 1,000 Erlangs --
  baseline: a naive loop (per interval, try servers upward, Erlang C from scratch each time).

Data are generated in memory with a seeded RNG; nothing is written except the small JSON of
timings in bench/results/analytics.json. Each result is checked against its baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqms.analytics import queueing, reliability, servqual, spc  # noqa: E402

SCALES = {
    "full": {"respondents": 1_000_000, "subgroups": 10_000, "intervals": 672, "peak": 1000.0},
    "small": {"respondents": 20_000, "subgroups": 1_000, "intervals": 96, "peak": 100.0},
}
DIMS = servqual.SERVQUAL_22


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


# ----------------------------------------------------------------------------- SERVQUAL


def make_survey(n: int, seed: int = 20260101) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    e = rng.integers(4, 8, size=(n, 22), dtype=np.int8).astype(np.float64)
    shift = rng.integers(-1, 3, size=(n, 22), dtype=np.int8)
    p = np.clip(e - shift, 1, 7)
    e[rng.random((n, 22)) < 0.01] = np.nan
    p[rng.random((n, 22)) < 0.01] = np.nan
    return e, p


def servqual_pandas(e: np.ndarray, p: np.ndarray) -> dict[str, pd.DataFrame]:
    """The same summaries the pandas way: item stats, then stack + groupby for dimensions."""
    cols = [str(j + 1) for j in range(22)]
    gaps = pd.DataFrame(p, columns=cols) - pd.DataFrame(e, columns=cols)
    item = gaps.agg(["count", "mean", "std"]).T
    dim_of = {str(j + 1): d for d, js in DIMS.items() for j in js}
    long = gaps.stack().dropna().rename("gap").reset_index()
    long["dimension"] = long["level_1"].map(dim_of)
    per = long.groupby(["level_0", "dimension"])["gap"].mean().unstack()
    dims = per.agg(["count", "mean", "std"]).T
    overall = per.mean(axis=1)
    out = {"items": item, "dimensions": dims}
    for name, frame in out.items():
        t = stats.t.ppf(0.975, frame["count"] - 1)
        se = frame["std"] / np.sqrt(frame["count"])
        frame["lo"], frame["hi"] = frame["mean"] - t * se, frame["mean"] + t * se
        out[name] = frame
    out["overall"] = overall.agg(["count", "mean", "std"]).to_frame().T
    return out


# ----------------------------------------------------------------------------- p chart


def p_chart_loop(d: list[int], n: list[int]) -> dict[int, list[int]]:
    """p chart limits and the 8 Nelson rules, one point at a time in plain Python."""
    pbar = sum(d) / sum(n)
    stat, z = [], []
    flags: dict[int, list[int]] = {r: [] for r in range(1, 9)}
    for i in range(len(d)):
        p = d[i] / n[i]
        s = math.sqrt(pbar * (1 - pbar) / n[i])
        lcl, ucl = max(0.0, pbar - 3 * s), min(1.0, pbar + 3 * s)
        stat.append(p)
        z.append((p - pbar) / s)
        if p > ucl or p < lcl:
            flags[1].append(i)
        if i >= 8 and (all(v > 0 for v in z[i - 8 :]) or all(v < 0 for v in z[i - 8 :])):
            flags[2].append(i)
        if i >= 5:
            seg = stat[i - 5 :]
            if all(seg[j] < seg[j + 1] for j in range(5)) or all(
                seg[j] > seg[j + 1] for j in range(5)
            ):
                flags[3].append(i)
        if i >= 13:
            seg = stat[i - 13 :]
            dd = [seg[j + 1] - seg[j] for j in range(13)]
            if all(dd[j] * dd[j + 1] < 0 for j in range(12)):
                flags[4].append(i)
        w3 = z[max(0, i - 2) :]
        if (z[i] > 2 and sum(v > 2 for v in w3) >= 2) or (
            z[i] < -2 and sum(v < -2 for v in w3) >= 2
        ):
            flags[5].append(i)
        w5 = z[max(0, i - 4) :]
        if (z[i] > 1 and sum(v > 1 for v in w5) >= 4) or (
            z[i] < -1 and sum(v < -1 for v in w5) >= 4
        ):
            flags[6].append(i)
        if i >= 14 and all(abs(v) < 1 for v in z[i - 14 :]):
            flags[7].append(i)
        if i >= 7 and all(abs(v) > 1 for v in z[i - 7 :]):
            flags[8].append(i)
    return flags


# ----------------------------------------------------------------------------- staffing


def naive_staffing(arrivals: np.ndarray, interval: float, aht: float) -> list[int]:
    """Per interval, try servers upward; Erlang C from scratch (recursion from 1) each time."""
    out = []
    mu = 1.0 / aht
    for x in arrivals:
        lam = x / interval
        a = lam * aht
        if a == 0:
            out.append(0)
            continue
        c = math.floor(a) + 1
        while True:
            b = 1.0
            for k in range(1, c + 1):
                b = a * b / (k + a * b)
            pw = c * b / (c - a * (1 - b))
            if 1 - pw * math.exp(-(c * mu - lam) * 20.0) >= 0.8 and a / c <= 0.97:
                out.append(c)
                break
            c += 1
    return out


def week_profile(intervals: int, peak: float, aht: float, interval: float) -> np.ndarray:
    rng = np.random.default_rng(7)
    t = np.arange(intervals)
    daily = np.clip(np.sin(np.pi * ((t % 96) - 28) / 60), 0, None) ** 1.5
    load = peak * daily * rng.uniform(0.85, 1.0, intervals)
    load[np.argmax(load)] = peak
    return load * interval / aht  # arrivals per interval


# ----------------------------------------------------------------------------- main


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"benchmark result differs from its baseline: {message}")


def survey_records(n: int, record: Callable[[str, str, float, str, float], None]) -> None:
    e, p = make_survey(n)
    repeat = 2 if n > 100_000 else 3  # same repeats for both sides; the best run counts
    ours_t, ours = timed(lambda: servqual.score(e, p), repeat=repeat)
    base_t, base = timed(lambda: servqual_pandas(e, p), repeat=repeat)
    dims = np.array([ours.dimensions[d].mean for d in DIMS])
    check(np.allclose(dims, base["dimensions"].loc[list(DIMS), "mean"], rtol=1e-9), "dimensions")
    his = np.array([ours.items[str(j + 1)].hi for j in range(22)])
    check(np.allclose(his, base["items"]["hi"], rtol=1e-9), "item intervals")
    check(abs(ours.unweighted.mean - float(base["overall"]["mean"].iloc[0])) < 1e-9, "overall")
    record(
        "SERVQUAL gaps + t-intervals", f"{n:,} x 44 items", ours_t, "pandas stack+groupby", base_t
    )

    frame = pd.DataFrame(p)
    ours_t, alpha = timed(lambda: reliability.cronbach_alpha(p), repeat=repeat)
    base_t, (pg_alpha, _) = timed(lambda: pg.cronbach_alpha(frame), repeat=repeat)
    check(abs(alpha.alpha - pg_alpha) < 1e-9, f"alpha {alpha.alpha} vs {pg_alpha}")
    record(
        "Cronbach alpha (pairwise)", f"{n:,} x 22 items", ours_t, "pingouin.cronbach_alpha", base_t
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "analytics.json"))
    args = parser.parse_args()
    cfg = SCALES[args.scale]
    results: list[dict[str, Any]] = []

    def record(name: str, size: str, ours: float, base_name: str, base: float) -> None:
        results.append(
            {
                "measure": name,
                "size": size,
                "sqms_s": round(ours, 5),
                "baseline": base_name,
                "baseline_s": round(base, 5),
                "speedup": round(base / ours, 2),
            }
        )
        print(
            f"{name:<34} {size:<34} sqms {ours:9.4f} s   {base_name:<26} {base:9.4f} s   x{base / ours:7.1f}"
        )

    survey_records(cfg["respondents"], record)

    m = cfg["subgroups"]
    rng = np.random.default_rng(11)
    sizes = rng.integers(80, 120, m)
    rate = np.where(np.arange(m) % 997 < 40, 0.14, 0.1)
    defects = rng.binomial(sizes, rate)
    ours_t, chart = timed(lambda: spc.p_chart(defects, sizes, rules=spc.ALL_RULES), repeat=5)
    d_list, n_list = defects.tolist(), sizes.tolist()
    base_t, flags = timed(lambda: p_chart_loop(d_list, n_list), repeat=3)
    check({r: v.tolist() for r, v in chart.signals.items()} == flags, "run rules")
    record("p chart + 8 run rules", f"{m:,} subgroups", ours_t, "plain Python loop", base_t)

    k, interval, aht = cfg["intervals"], 900.0, 180.0
    arrivals = week_profile(k, cfg["peak"], aht, interval)
    ours_t, prof = timed(
        lambda: queueing.staffing_profile(arrivals, interval, aht, 0.8, 20.0, max_occupancy=0.97),
        repeat=5,
    )
    base_t, naive = timed(lambda: naive_staffing(arrivals, interval, aht), repeat=2)
    check(prof.servers.tolist() == naive, "staffing")
    record(
        "Erlang C staffing (80/20)",
        f"{k} intervals, peak {cfg['peak']:,.0f} E",
        ours_t,
        "naive loop",
        base_t,
    )

    payload = {
        "benchmark": "bench/analytics.py",
        "scale": args.scale,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "results": results,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
