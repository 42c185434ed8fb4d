"""The public survey form at /s/<slug>/: no login, mobile-first, zh/en.

Protection: CSRF (Django middleware), per-IP and per-campaign rate limits, a honeypot field,
and a one-time submission token so a double click or a replayed POST stores one response.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sqms.core.ratelimit import client_ip, hit
from sqms.surveys import actions
from sqms.surveys.choices import QuestionKind
from sqms.surveys.instruments import RATING_PARTS
from sqms.surveys.models import CampaignSite, Question, SubmissionToken, pick

HONEYPOT = "website"
LANGS = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang")
    if wanted in LANGS:
        return LANGS[wanted]
    current = translation.get_language() or settings.LANGUAGE_CODE
    return "zh-hans" if current.startswith("zh") else "en"


def _link(slug: str) -> CampaignSite:
    return get_object_or_404(
        CampaignSite.objects.select_related("campaign", "campaign__instrument", "site"), slug=slug
    )


def _refusal(link: CampaignSite) -> str | None:
    campaign = link.campaign
    if campaign.is_closed:
        return _("This survey has ended. Thank you for your interest.")
    if not campaign.is_accepting():
        return _("This survey is not open yet. Please come back later.")
    if link.is_full:
        return _("This survey has received all the responses it needs. Thank you!")
    return None


def _polite(
    request: HttpRequest, link: CampaignSite, message: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "surveys/public/message.html",
        {"link": link, "message": message, "lang": translation.get_language()},
        status=status,
    )


def _end_labels(q: Question) -> tuple[str, str]:
    lo = hi = ""
    for o in q.options or []:
        text = pick(str(o.get("zh", "")), str(o.get("en", "")))
        if o.get("value") == q.scale_min:
            lo = text
        if o.get("value") == q.scale_max:
            hi = text
    return lo, hi


def _question_views(
    questions: list[Question], raw: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    out = []
    for n, q in enumerate(questions, start=1):
        item: dict[str, Any] = {
            "q": q,
            "number": n,
            "text": q.text,
            "kind": q.kind,
            "required": q.required,
        }
        if q.kind in (QuestionKind.LIKERT, QuestionKind.SCALE_0_10, QuestionKind.RATINGS):
            item["scale"] = list(range(q.scale_min or 0, (q.scale_max or 0) + 1))
            item["lo_label"], item["hi_label"] = _end_labels(q)
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            item["choices"] = [
                (str(o.get("value")), pick(str(o.get("zh", "")), str(o.get("en", ""))))
                for o in q.options
            ]
        rows = []
        for key in q.answer_keys():
            part = key.rsplit(".", 1)[1] if q.ratings else ""
            label = pick(*RATING_PARTS[part]) if part in RATING_PARTS else part
            value = raw.get(key)
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "value": "" if value is None else value,
                    "values": [str(v) for v in value]
                    if isinstance(value, list)
                    else [str(value or "")],
                    "error": errors.get(key),
                }
            )
        item["rows"] = rows
        item["errors"] = [r["error"] for r in rows if r["error"]]
        if q.show_if:
            item["show_if_question"] = q.show_if.get("question")
            item["show_if_values"] = ",".join(str(v) for v in q.show_if.get("in", []))
        out.append(item)
    return out


def _raw_answers(request: HttpRequest, questions: list[Question]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in questions:
        for key in q.answer_keys():
            if q.kind == QuestionKind.MULTI:
                values = [v for v in request.POST.getlist(key) if v]
                if values:
                    raw[key] = values
            else:
                value = request.POST.get(key, "").strip()
                if value:
                    raw[key] = value
    return raw


@never_cache
def public_form(request: HttpRequest, slug: str) -> HttpResponse:
    link = _link(slug)
    lang = _language(request)
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    refusal = _refusal(link)
    if refusal:
        return _polite(request, link, refusal, status=410 if link.campaign.is_closed else 200)
    instrument = link.campaign.instrument
    questions = list(instrument.questions.all())
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    token = ""
    if request.method == "POST":
        if not hit(f"public-ip:{client_ip(request)}", settings.SQMS_PUBLIC_RATE_PER_IP) or not hit(
            f"public-campaign:{link.campaign_id}", settings.SQMS_PUBLIC_RATE_PER_CAMPAIGN
        ):
            return _polite(
                request,
                link,
                _(
                    "Many answers are arriving at once. Please wait a minute and send the form again."
                ),
                status=429,
            )
        if request.POST.get(HONEYPOT):
            return redirect(
                f"/s/{link.slug}/thanks/?lang={'zh' if lang.startswith('zh') else 'en'}"
            )
        token = request.POST.get("token", "")
        used = (
            SubmissionToken.objects.filter(token=token, campaign_site=link)
            .values_list("used_at", flat=True)
            .first()
        )
        if used is not None:
            return redirect(
                f"/s/{link.slug}/thanks/?lang={'zh' if lang.startswith('zh') else 'en'}"
            )
        raw = _raw_answers(request, questions)
        plan = actions.AnswerPlan.build(instrument, questions)
        clean, errors = actions.check_answers(plan, raw)
        if not errors:
            try:
                actions.submit_public_response(
                    link, token, clean, language=lang, ref=request.POST.get("ref", "")
                )
            except actions.SubmissionRefused as exc:
                return _polite(request, link, str(exc))
            return redirect(
                f"/s/{link.slug}/thanks/?lang={'zh' if lang.startswith('zh') else 'en'}"
            )
        if not SubmissionToken.objects.filter(token=token, campaign_site=link).exists():
            token = ""
    if not token:
        token = actions.issue_token(link)
    views = _question_views(questions, raw, errors)
    sections = []
    by_section: dict[int | None, list[dict[str, Any]]] = {}
    for v in views:
        by_section.setdefault(v["q"].section_id, []).append(v)
    titles = {s.pk: s for s in instrument.sections.all()}
    for section_id, items in by_section.items():
        sections.append({"section": titles.get(section_id) if section_id else None, "items": items})
    return render(
        request,
        "surveys/public/form.html",
        {
            "link": link,
            "instrument": instrument,
            "sections": sections,
            "token": token,
            "error_count": len(errors),
            "lang": lang,
            "honeypot": HONEYPOT,
            "total": len(questions),
            "ref": (request.POST.get("ref") if request.method == "POST" else request.GET.get("ref"))
            or "",
        },
    )


def public_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    link = _link(slug)
    lang = _language(request)
    translation.activate(lang)
    return render(request, "surveys/public/thanks.html", {"link": link, "lang": lang})
