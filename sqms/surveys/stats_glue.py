"""Pure statistics the survey report pages need and ``sqms.analytics`` does not (yet) provide.

No Django import: every function takes numbers or numpy arrays (from the rollups' n, Σx, Σx²)
and returns numbers or arrays. Where ``sqms.analytics`` has the function, the report code
calls that one instead; what remains here is meant to move into ``sqms.analytics``.

Formulas
--------
- sample variance from sums: s² = (Σx² − (Σx)²/n)/(n − 1) (means and t-intervals come from
  ``sqms.analytics.summary.mean_ci_from_sums``).
- Cronbach's α from sums: α = k/(k − 1)·(1 − Σ s²ᵢ / s²ₜ), item variances s²ᵢ from each item's
  sums and the total variance s²ₜ from the sums of the respondents' item totals
  (Cronbach 1951).
- NPS from promoter/detractor counts, delegated to ``sqms.analytics.metrics.nps``.
- difference of two independent estimates: d ± z·√(v₁ + v₂), z-test p value.
- difference of two independent means (Welch): se = √(s₁²/n₁ + s₂²/n₂) and
  Welch–Satterthwaite degrees of freedom.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from sqms.analytics.metrics import NpsResult, nps

FloatArray = npt.NDArray[np.float64]


def _arr(x: npt.ArrayLike) -> FloatArray:
    return np.atleast_1d(np.asarray(x, dtype=float))


def variance_from_sums(n: npt.ArrayLike, s: npt.ArrayLike, ss: npt.ArrayLike) -> FloatArray:
    """Sample variance (n − 1 denominator) from n, Σx and Σx²; NaN where n < 2.

    >>> float(variance_from_sums(3, 6.0, 14.0)[0])  # 1, 2, 3
    1.0
    """
    n, s, ss = _arr(n), _arr(s), _arr(ss)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = (ss - s * s / n) / (n - 1)
    var = np.where(n >= 2, np.maximum(var, 0.0), np.nan)
    return var


def cronbach_alpha_from_sums(
    item_n: npt.ArrayLike,
    item_s: npt.ArrayLike,
    item_ss: npt.ArrayLike,
    total_n: float,
    total_s: float,
    total_ss: float,
) -> float:
    """α = k/(k−1)·(1 − Σ var(item)/var(total)) from the sums of k items and of their total.

    The item variances come from every respondent who answered that item; the total variance
    from respondents who answered all k items (the rollups keep no per-respondent matrix). With
    complete answers both sets coincide and this equals the textbook α.

    >>> # three respondents, items (1,2,3), (2,2,4): totals 3, 4, 7
    >>> round(cronbach_alpha_from_sums([3, 3], [6, 8], [14, 24], 3, 14, 74), 4)
    0.9231
    """
    item_var = variance_from_sums(item_n, item_s, item_ss)
    k = item_var.size
    total_var = float(variance_from_sums(total_n, total_s, total_ss)[0])
    if k < 2 or not np.isfinite(total_var) or total_var <= 0 or not np.all(np.isfinite(item_var)):
        return math.nan
    return k / (k - 1) * (1.0 - float(item_var.sum()) / total_var)


def nps_from_counts(n: int, promoters: int, detractors: int, confidence: float = 0.95) -> NpsResult:
    """NPS with its interval from counts (rollups keep counts, ``metrics.nps`` wants scores).

    >>> r = nps_from_counts(100, 50, 20)
    >>> r.nps, round(r.lo, 2), round(r.hi, 2)
    (30.0, 14.69, 45.31)
    """
    passives = n - promoters - detractors
    scores = np.repeat(np.array([10, 7, 0]), [promoters, passives, detractors])
    return nps(scores, min_n=1, confidence=confidence)


@dataclass(frozen=True)
class Difference:
    estimate: float
    low: float
    high: float
    z: float
    p_value: float


def difference(
    est1: float, var1: float, est2: float, var2: float, confidence: float = 0.95
) -> Difference:
    """Change est2 − est1 of two independent estimates with variances var1, var2 (z-test).

    >>> d = difference(0.5, 0.0025, 0.6, 0.0025)
    >>> round(d.estimate, 2), round(d.z, 4), round(d.p_value, 4)
    (0.1, 1.4142, 0.1573)
    """
    se = math.sqrt(var1 + var2) if var1 + var2 > 0 else math.nan
    est = est2 - est1
    z = est / se if se and math.isfinite(se) else math.nan
    zc = float(stats.norm.ppf(0.5 + confidence / 2))
    p = float(2 * stats.norm.sf(abs(z))) if math.isfinite(z) else math.nan
    return Difference(est, est - zc * se, est + zc * se, z, p)


def mean_difference(
    n1: float, s1: float, ss1: float, n2: float, s2: float, ss2: float, confidence: float = 0.95
) -> Difference:
    """Mean of group 2 minus mean of group 1 (independent samples, Welch interval).

    >>> d = mean_difference(5, 25.0, 127.0, 5, 30.0, 182.0)
    >>> round(d.estimate, 2), round(d.low, 3), round(d.high, 3)
    (1.0, -0.031, 2.031)
    """
    if n1 < 2 or n2 < 2:
        return Difference(math.nan, math.nan, math.nan, math.nan, math.nan)
    v1 = float(variance_from_sums(n1, s1, ss1)[0])
    v2 = float(variance_from_sums(n2, s2, ss2)[0])
    a, b = v1 / n1, v2 / n2
    est = s2 / n2 - s1 / n1
    se = math.sqrt(a + b)
    if se == 0:
        return Difference(est, est, est, math.nan, math.nan)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1)) if a + b > 0 else n1 + n2 - 2
    t = float(stats.t.ppf(0.5 + confidence / 2, df))
    tval = est / se
    p = float(2 * stats.t.sf(abs(tval), df))
    return Difference(est, est - t * se, est + t * se, tval, p)


# Keyword extraction ---------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}")
EN_STOP = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "i'm",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "like",
        "made",
        "make",
        "me",
        "more",
        "most",
        "much",
        "must",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "really",
        "same",
        "shan't",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they're",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "was",
        "wasn't",
        "we",
        "we're",
        "were",
        "weren't",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you're",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "still",
        "went",
        "go",
        "going",
        "came",
        "come",
    ]
)


def is_chinese(text: str) -> bool:
    return bool(CJK.search(text))


def english_keywords(texts: Iterable[str], top: int = 20) -> list[tuple[str, int]]:
    """Most frequent words after dropping stop words (case-folded, words of 3+ letters).

    >>> english_keywords(["The queue was slow", "slow queue, rude staff", "slow"], top=2)
    [('slow', 3), ('queue', 2)]
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in (m.lower() for m in WORD.findall(text)) if w not in EN_STOP)
    return counts.most_common(top)


def chinese_keywords(texts: Iterable[str], top: int = 20) -> list[tuple[str, float]]:
    """TF-IDF keywords of the Chinese texts with jieba.analyse.extract_tags."""
    import jieba
    import jieba.analyse

    jieba.setLogLevel(60)
    joined = "\n".join(texts)
    if not joined.strip():
        return []
    return [
        (w, float(weight))
        for w, weight in jieba.analyse.extract_tags(joined, topK=top, withWeight=True)
    ]
