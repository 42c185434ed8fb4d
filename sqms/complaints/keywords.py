"""Keyword rules applied to a new complaint's text: which rules fire, and what they change.
The matching is a plain case-insensitive substring test, so it works for Chinese (no word
boundaries) and English alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqms.complaints.choices import SEVERITY_RANK, Severity
from sqms.complaints.models import Category, KeywordRule


@dataclass
class RuleOutcome:
    rules: list[KeywordRule] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    severity: str | None = None
    category: Category | None = None
    emails: list[str] = field(default_factory=list)


def apply_rules(text: str, severity: str, rules: Iterable[KeywordRule]) -> RuleOutcome:
    """The rules whose words occur in ``text``: the highest severity they ask for (never
    lower than ``severity``), the first category one sets, and everyone to notify."""
    haystack = text.lower()
    out = RuleOutcome()
    for rule in rules:
        hits = [w for w in rule.word_list if w in haystack]
        if not hits:
            continue
        out.rules.append(rule)
        out.words.extend(hits)
        if (
            rule.severity
            and SEVERITY_RANK[Severity(rule.severity)]
            > SEVERITY_RANK[Severity(out.severity or severity)]
        ):
            out.severity = rule.severity
        if out.category is None and rule.category is not None:
            out.category = rule.category
        out.emails.extend(e.strip() for e in rule.notify_emails.splitlines() if e.strip())
    return out
