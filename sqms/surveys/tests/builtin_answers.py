"""Answers to the built-in instruments, for the collection tests."""

from __future__ import annotations


def servqual_answers(e: int = 6, p: int = 5, overall: int = 5) -> dict:
    answers: dict = {}
    for n in range(1, 23):
        answers[f"SQ{n:02d}.E"] = e
        answers[f"SQ{n:02d}.P"] = p
    answers["OVERALL"] = overall
    return answers
