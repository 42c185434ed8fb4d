"""Keywords of free-text survey comments (text processing for the comments report).

Chinese comments: TF-IDF keywords with ``jieba.analyse.extract_tags``. English comments: the
most frequent words of 3+ letters after dropping a fixed list of stop words. No Django import.

Also used for complaint texts: :func:`terms` splits one text (Chinese words by ``jieba.lcut``,
English words as above) and :func:`co_occurring` finds the term pairs that occur together in
many texts (the complaints' keyword clusters).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations

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


#: Chinese function words and fillers that say nothing about the problem
ZH_STOP = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "我",
        "有",
        "和",
        "就",
        "不",
        "人",
        "都",
        "一",
        "一个",
        "也",
        "很",
        "到",
        "说",
        "要",
        "去",
        "你",
        "会",
        "着",
        "没有",
        "看",
        "好",
        "自己",
        "这",
        "那",
        "他",
        "她",
        "它",
        "们",
        "我们",
        "你们",
        "他们",
        "还",
        "吗",
        "吧",
        "呢",
        "啊",
        "呀",
        "哦",
        "被",
        "把",
        "给",
        "让",
        "对",
        "又",
        "太",
        "就是",
        "但是",
        "因为",
        "所以",
        "而且",
        "这个",
        "那个",
        "什么",
        "没",
        "非常",
        "已经",
        "今天",
        "昨天",
        "时候",
        "一下",
        "可以",
        "然后",
        "现在",
        "问题",
        "还是",
        "这样",
        "怎么",
        "一直",
        "而",
        "与",
        "及",
        "或",
        "等",
        "但",
        "如果",
        "为什么",
        "这么",
        "那么",
        "真的",
        "觉得",
        "比较",
        "不是",
        "还有",
        "其他",
        "一次",
        "两次",
    ]
)


def _jieba() -> object:
    import jieba  # type: ignore[import-untyped, unused-ignore]

    jieba.setLogLevel(60)
    return jieba


def terms(text: str) -> list[str]:
    """The content words of one text, in order: Chinese words of two or more characters by
    ``jieba.lcut`` (less :data:`ZH_STOP`), English words of 3+ letters, case-folded (less
    :data:`EN_STOP`).

    >>> terms("The queue was slow, the STAFF rude")
    ['queue', 'slow', 'staff', 'rude']
    >>> "排队" in terms("排队时间太长了")
    True
    """
    out = [w for w in (m.lower() for m in WORD.findall(text)) if w not in EN_STOP]
    if is_chinese(text):
        jieba = _jieba()
        for word in jieba.lcut(text):  # type: ignore[attr-defined]
            word = word.strip()
            if len(word) >= 2 and is_chinese(word) and word not in ZH_STOP:
                out.append(word)
    return out


def co_occurring(
    docs: Sequence[Iterable[str]], *, top_terms: int = 40, min_count: int = 2, limit: int = 20
) -> list[tuple[tuple[str, str], list[int]]]:
    """Pairs of terms that occur together in at least ``min_count`` documents, most frequent
    first, each with the indices of its documents. Only the ``top_terms`` terms found in the
    most documents are paired, so the work stays small for many documents.

    >>> docs = [["cold", "coffee"], ["coffee", "cold", "slow"], ["slow", "queue"], ["cold"]]
    >>> co_occurring(docs, min_count=2)
    [(('coffee', 'cold'), [0, 1])]
    """
    sets = [set(d) for d in docs]
    df: Counter[str] = Counter()
    for s in sets:
        df.update(s)
    keep = {t for t, _n in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:top_terms]}
    pairs: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(sets):
        for a, b in combinations(sorted(s & keep), 2):
            pairs.setdefault((a, b), []).append(i)
    found = [(p, ix) for p, ix in pairs.items() if len(ix) >= min_count]
    found.sort(key=lambda item: (-len(item[1]), item[0]))
    return found[:limit]


def document_frequency(docs: Sequence[Iterable[str]], top: int = 30) -> list[tuple[str, int]]:
    """Terms by the number of documents they occur in (ties alphabetically).

    >>> document_frequency([["cold", "cold", "tea"], ["cold"]])
    [('cold', 2), ('tea', 1)]
    """
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    return sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
