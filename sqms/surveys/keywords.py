"""Keywords of free-text survey comments (text processing for the comments report).

Chinese comments: TF-IDF keywords with ``jieba.analyse.extract_tags``. English comments: the
most frequent words of 3+ letters after dropping a fixed list of stop words. No Django import.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

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
    """True if ``text`` contains a CJK unified ideograph.

    >>> is_chinese("排队太久"), is_chinese("queue too long")
    (True, False)
    """
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
    import jieba  # type: ignore[import-untyped, unused-ignore]
    import jieba.analyse  # type: ignore[import-untyped, unused-ignore]

    jieba.setLogLevel(60)
    joined = "\n".join(texts)
    if not joined.strip():
        return []
    return [
        (w, float(weight))
        for w, weight in jieba.analyse.extract_tags(joined, topK=top, withWeight=True)
    ]
