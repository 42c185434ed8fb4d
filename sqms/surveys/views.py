"""Collection pages: instruments (builder, versions), campaigns (links, QR cards), responses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core import audit, exports
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import Action, allowed, role_of
from sqms.core.views import add_errors
from sqms.surveys import actions, cards
from sqms.surveys.choices import CampaignStatus
from sqms.surveys.filters import CAMPAIGN_FILTERS, INSTRUMENT_FILTERS, RESPONSE_FILTERS
from sqms.surveys.forms import CampaignForm, InstrumentForm, QuestionForm, SectionForm
from sqms.surveys.models import (
    Campaign,
    CampaignSite,
    ImportBatch,
    Instrument,
    Question,
    Response,
    Section,
)
from sqms.surveys.versions import diff_instruments, newer_version

WEB = Channel.WEB


def _require_role(request: HttpRequest) -> None:
    if role_of(request.user) is None:
        raise PermissionDenied


def _form(
    request: HttpRequest, form: Any, title: str, cancel_url: str, template: str = "core/form.html"
) -> HttpResponse:
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url})


# Instruments ---------------------------------------------------------------------------------

INSTRUMENT_LIST = ListSpec(
    title=gettext_lazy("Survey instruments"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda i: i.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda i: i.name, sort="name_en"),
        ListColumn("version", gettext_lazy("Version"), lambda i: i.version, sort="version"),
        ListColumn("kind", gettext_lazy("Kind"), lambda i: i.get_kind_display(), sort="kind"),
        ListColumn(
            "questions",
            gettext_lazy("Questions"),
            lambda i: i.question_count,
            sort="question_count",
        ),
        ListColumn("builtin", gettext_lazy("Built in"), lambda i: i.is_builtin, sort="is_builtin"),
        ListColumn(
            "current", gettext_lazy("Current version"), lambda i: i.is_current, sort="is_current"
        ),
    ],
    filterset=INSTRUMENT_FILTERS,
    default_sort="code",
    export_name="instruments",
    empty_text=gettext_lazy("No instruments yet. A quality manager can install the built-in ones."),
)


@login_required
@require_safe
def instrument_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require_role(request)
    qs = Instrument.objects.restrict(request.user, "view").annotate(
        question_count=Count("questions")
    )
    create = (
        reverse("surveys:instrument_create") if allowed(request.user, "add", Instrument) else None
    )
    return render_list(
        request,
        INSTRUMENT_LIST,
        qs,
        template="surveys/instrument_list.html",
        extra={"create_url": create, "can_install": allowed(request.user, "add", Instrument)},
    )


@login_required
@require_POST
def install_builtins(request: AuthenticatedHttpRequest) -> HttpResponse:
    created = actions.do_install_builtins(acting_user=request.user, channel=WEB)
    if created:
        messages.success(
            request, _("Installed %(names)s.") % {"names": ", ".join(i.code for i in created)}
        )
    else:
        messages.info(request, _("The built-in instruments are already installed."))
    return redirect("surveys:instrument_list")


@login_required
@require_safe
def instrument_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_role(request)
    inst = get_object_or_404(Instrument.objects.restrict(request.user, "view"), pk=pk)
    sections = list(inst.sections.all())
    questions = list(inst.questions.select_related("section"))
    grouped: list[tuple[Section | None, list[Question]]] = [
        (None, [q for q in questions if q.section_id is None])
    ]
    grouped += [(s, [q for q in questions if q.section_id == s.pk]) for s in sections]
    versions = Instrument.objects.filter(code=inst.code).order_by("-version")
    return render(
        request,
        "surveys/instrument_detail.html",
        {
            "obj": inst,
            "grouped": [(s, qs) for s, qs in grouped if qs or s is not None],
            "history": audit.history(inst)[:50],
            "can_change": allowed(request.user, "change", Instrument) and inst.is_current,
            "has_responses": actions.has_responses(inst),
            "versions": versions,
            "campaigns": Campaign.objects.restrict(request.user, "view").filter(instrument=inst),
        },
    )


@login_required
def instrument_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Instrument):
        raise PermissionDenied
    form = InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inst = actions.do_create_instrument(
                dict(form.cleaned_data), acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Created %(record)s. Now add its questions.") % {"record": inst}
            )
            return redirect(inst.get_absolute_url())
    return _form(request, form, _("New instrument"), reverse("surveys:instrument_list"))


def _current_instrument(request: HttpRequest, pk: int) -> Instrument:
    if not allowed(request.user, "change", Instrument):
        raise PermissionDenied
    return get_object_or_404(Instrument.objects.restrict(request.user, "change"), pk=pk)


def _versioned_message(request: HttpRequest, old: Instrument, new: Instrument) -> None:
    if new.pk != old.pk:
        messages.info(
            request,
            _("Version %(old)s already has responses, so your change was saved as version %(new)s.")
            % {"old": old.version, "new": new.version},
        )


@login_required
def instrument_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inst = _current_instrument(request, pk)
    form = InstrumentForm(request.POST or None, instance=Instrument.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
            new = actions.do_update_instrument(inst, data, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _versioned_message(request, inst, new)
            messages.success(request, _("Saved %(record)s.") % {"record": new})
            return redirect(new.get_absolute_url())
    return _form(request, form, _("Edit %(record)s") % {"record": inst}, inst.get_absolute_url())


@login_required
def instrument_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inst = _current_instrument(request, pk)
    if request.method == "POST":
        try:
            actions.do_delete_instrument(inst, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(inst.get_absolute_url())
        messages.success(request, _("Deleted %(record)s.") % {"record": inst})
        return redirect("surveys:instrument_list")
    return render(request, "core/confirm_delete.html", {"obj": inst})


@login_required
def question_edit(
    request: AuthenticatedHttpRequest, pk: int, qpk: int | None = None
) -> HttpResponse:
    inst = _current_instrument(request, pk)
    question = get_object_or_404(Question, pk=qpk, instrument=inst) if qpk else None
    form = QuestionForm(request.POST or None, instrument=inst, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            new, _q = actions.do_save_question(
                inst, question, dict(form.cleaned_data), acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _versioned_message(request, inst, new)
            messages.success(request, _("Saved question %(code)s.") % {"code": _q.code})
            return redirect(new.get_absolute_url())
    title = _("Edit question %(code)s") % {"code": question.code} if question else _("New question")
    return render(
        request,
        "surveys/question_form.html",
        {"form": form, "title": title, "cancel_url": inst.get_absolute_url(), "obj": inst},
    )


@login_required
def question_delete(request: AuthenticatedHttpRequest, pk: int, qpk: int) -> HttpResponse:
    inst = _current_instrument(request, pk)
    question = get_object_or_404(Question, pk=qpk, instrument=inst)
    if request.method == "POST":
        try:
            new = actions.do_delete_question(inst, question, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(inst.get_absolute_url())
        _versioned_message(request, inst, new)
        messages.success(request, _("Deleted question %(code)s.") % {"code": question.code})
        return redirect(new.get_absolute_url())
    return render(
        request,
        "core/confirm_delete.html",
        {"obj": question, "cancel_url": inst.get_absolute_url()},
    )


@login_required
def section_edit(
    request: AuthenticatedHttpRequest, pk: int, spk: int | None = None
) -> HttpResponse:
    inst = _current_instrument(request, pk)
    section = get_object_or_404(Section, pk=spk, instrument=inst) if spk else None
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        new, _s = actions.do_save_section(
            inst, section, dict(form.cleaned_data), acting_user=request.user, channel=WEB
        )
        _versioned_message(request, inst, new)
        return redirect(new.get_absolute_url())
    return _form(request, form, _("Section"), inst.get_absolute_url())


# Campaigns -----------------------------------------------------------------------------------

CAMPAIGN_LIST = ListSpec(
    title=gettext_lazy("Survey campaigns"),
    columns=[
        ListColumn("name", gettext_lazy("Name"), lambda c: c.name, sort="name", link=True),
        ListColumn(
            "instrument",
            gettext_lazy("Instrument"),
            lambda c: str(c.instrument),
            sort="instrument__code",
        ),
        ListColumn(
            "status", gettext_lazy("Status"), lambda c: c.get_status_display(), sort="status"
        ),
        ListColumn("opens", gettext_lazy("Opens on"), lambda c: c.opens_on, sort="opens_on"),
        ListColumn("closes", gettext_lazy("Closes on"), lambda c: c.closes_on, sort="closes_on"),
        ListColumn("sites", gettext_lazy("Sites"), lambda c: c.site_count),
    ],
    filterset=CAMPAIGN_FILTERS,
    default_sort="-opens",
    export_name="campaigns",
    empty_text=gettext_lazy("No survey campaigns in your scope."),
)


@login_required
@require_safe
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require_role(request)
    qs = (
        Campaign.objects.restrict(request.user, "view")
        .select_related("instrument")
        .annotate(site_count=Count("campaign_sites", distinct=True))
    )
    create = reverse("surveys:campaign_create") if allowed(request.user, "add", Campaign) else None
    return render_list(
        request,
        CAMPAIGN_LIST,
        qs,
        template="surveys/campaign_list.html",
        extra={"create_url": create},
    )


def _campaign(request: HttpRequest, pk: int, action: Action = "view") -> Campaign:
    _require_role(request)
    return get_object_or_404(
        Campaign.objects.restrict(request.user, action).select_related("instrument"),
        pk=pk,
    )


@login_required
@require_safe
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    links = (
        CampaignSite.objects.restrict(request.user, "view")
        .filter(campaign=campaign)
        .select_related("site")
        .order_by("site__code")
    )
    can_change = allowed(request.user, "change", Campaign) and not campaign.is_closed
    imports = ImportBatch.objects.restrict(request.user, "view").filter(campaign=campaign)[:20]
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "obj": campaign,
            "links": links,
            "history": audit.history(campaign)[:50],
            "can_change": can_change,
            "can_import": allowed(request.user, "add", Response) and not campaign.is_closed,
            "imports": imports,
            "response_count": Response.objects.restrict(request.user, "view")
            .filter(campaign=campaign)
            .count(),
            "base_url": request.build_absolute_uri("/")[:-1],
            "newer_version": newer_version(campaign) if can_change else None,
        },
    )


def _campaign_form_page(
    request: AuthenticatedHttpRequest, campaign: Campaign | None
) -> HttpResponse:
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        quotas = data.pop("quotas", {})
        try:
            if campaign is None:
                obj = actions.do_create_campaign(
                    data, quotas=quotas, acting_user=request.user, channel=WEB
                )
            else:
                obj = actions.do_update_campaign(
                    Campaign.objects.get(pk=campaign.pk),
                    data,
                    quotas=quotas,
                    acting_user=request.user,
                    channel=WEB,
                )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved %(record)s.") % {"record": obj})
            return redirect(obj.get_absolute_url())
    title = _("New campaign") if campaign is None else _("Edit %(record)s") % {"record": campaign}
    cancel = campaign.get_absolute_url() if campaign else reverse("surveys:campaign_list")
    return _form(request, form, title, cancel)


@login_required
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Campaign):
        raise PermissionDenied
    return _campaign_form_page(request, None)


@login_required
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "change")
    audit.ensure_open(campaign)
    return _campaign_form_page(request, campaign)


@login_required
@require_POST
def campaign_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "change")
    target = request.POST.get("status")
    try:
        if target == CampaignStatus.OPEN:
            actions.do_open_campaign(campaign, acting_user=request.user, channel=WEB)
            messages.success(request, _("The campaign is open; its links take responses."))
        elif target == CampaignStatus.CLOSED:
            actions.do_close_campaign(campaign, acting_user=request.user, channel=WEB)
            messages.success(request, _("The campaign is closed and now read-only."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(campaign.get_absolute_url())


@login_required
def campaign_move_version(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What changes between the campaign's version and the current one; POST moves it."""
    campaign = _campaign(request, pk, "change")
    target = newer_version(campaign)
    if target is None:
        messages.info(request, _("The campaign already uses the current version."))
        return redirect(campaign.get_absolute_url())
    if request.method == "POST":
        try:
            actions.do_move_campaign_version(
                campaign, target, acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The campaign now uses %(instrument)s.") % {"instrument": target},
            )
        return redirect(campaign.get_absolute_url())
    return render(
        request,
        "surveys/campaign_move_version.html",
        {"obj": campaign, "diff": diff_instruments(campaign.instrument, target)},
    )


@login_required
def campaign_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "delete")
    if request.method == "POST":
        try:
            actions.do_delete_campaign(campaign, acting_user=request.user, channel=WEB)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(campaign.get_absolute_url())
        messages.success(request, _("Deleted %(record)s.") % {"record": campaign})
        return redirect("surveys:campaign_list")
    return render(request, "core/confirm_delete.html", {"obj": campaign})


@login_required
@require_safe
def campaign_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    campaign = _campaign(request, pk)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    filename = exports.stamped(f"campaign-{campaign.pk}-responses", fmt)
    if fmt == "xlsx":
        return exports.workbook_download(
            filename,
            lambda f: actions.export_responses(campaign, "xlsx", f, acting_user=request.user),
        )
    chunks = actions.native_csv_chunks(campaign, acting_user=request.user)
    return exports.text_download(filename, chunks)


def _link(request: HttpRequest, pk: int, site_pk: int) -> CampaignSite:
    campaign = _campaign(request, pk)
    return get_object_or_404(
        CampaignSite.objects.restrict(request.user, "view").select_related("site", "campaign"),
        campaign=campaign,
        site_id=site_pk,
    )


@login_required
@require_safe
def campaign_card(
    request: AuthenticatedHttpRequest, pk: int, site_pk: int, fmt: str
) -> HttpResponse:
    link = _link(request, pk, site_pk)
    url = request.build_absolute_uri(reverse("public:form", args=[link.slug]))
    name = f"qr-{link.campaign_id}-{link.site.code}"
    if fmt == "png":
        response = HttpResponse(cards.qr_png(url), content_type="image/png")
    elif fmt == "svg":
        response = HttpResponse(cards.qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(cards.table_card_pdf(link, url), content_type="application/pdf")
        name = f"card-{link.campaign_id}-{link.site.code}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# Responses -----------------------------------------------------------------------------------


RESPONSE_LIST = ListSpec(
    title=gettext_lazy("Survey responses"),
    columns=[
        ListColumn("id", gettext_lazy("Number"), lambda r: r.pk, sort="id", link=True),
        ListColumn(
            "submitted",
            gettext_lazy("Submitted"),
            lambda r: timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
            sort="submitted_at",
        ),
        ListColumn(
            "campaign", gettext_lazy("Campaign"), lambda r: r.campaign.name, sort="campaign__name"
        ),
        ListColumn("site", gettext_lazy("Site"), lambda r: r.site.code, sort="site__code"),
        ListColumn(
            "channel", gettext_lazy("Channel"), lambda r: r.get_channel_display(), sort="channel"
        ),
        ListColumn("comment", gettext_lazy("Comment"), lambda r: (r.comment or "")[:80]),
    ],
    filterset=RESPONSE_FILTERS,
    default_sort="-submitted",
    export_name="responses",
    empty_text=gettext_lazy("No responses in your scope."),
)


@login_required
@require_safe
def response_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require_role(request)
    qs = Response.objects.restrict(request.user, "view").select_related("campaign", "site")
    return render_list(request, RESPONSE_LIST, qs)


@login_required
@require_safe
def response_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_role(request)
    response = get_object_or_404(
        Response.objects.restrict(request.user, "view").select_related(
            "campaign", "site", "instrument", "service"
        ),
        pk=pk,
    )
    questions = list(response.instrument.questions.all())
    rows = []
    for q in questions:
        for key in q.answer_keys():
            if key in response.answers:
                value = response.answers[key]
                rows.append(
                    (key, q.text, ", ".join(map(str, value)) if isinstance(value, list) else value)
                )
    return render(request, "surveys/response_detail.html", {"obj": response, "rows": rows})
