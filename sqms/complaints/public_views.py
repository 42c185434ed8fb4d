"""The public complaint pages at /c/ (no login, phone-sized, zh/en):

- ``/c/<site code>/`` — the complaint form of a site, then a thank-you page with the tracking
  code;
- ``/c/t/<tracking code>/`` — the customer's private status page: status, the entries meant for
  the customer, public attachments, and a form to add information;
- ``/c/track/`` — type a tracking code.

Protection: CSRF (middleware), per-IP and per-site rate limits on submissions, a honeypot
field, rate-limited tracking look-ups (codes cannot be guessed), and a signed one-time
submission token that becomes the complaint's external id, so a double click or a replayed
POST stores one complaint.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sqms.complaints import actions
from sqms.complaints.choices import IntakeChannel, Source, Status
from sqms.complaints.followup import follow_up_link
from sqms.complaints.models import TRACKING_ALPHABET, Attachment, Category, Complaint
from sqms.core.attachments import check_uploads
from sqms.core.choices import Channel
from sqms.core.models import Service, Site
from sqms.core.ratelimit import client_ip, hit

HONEYPOT = "website"
LANGS = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}
#: files a customer may attach to one complaint or one message
PUBLIC_MAX_FILES = 3
TOKEN_SALT = "sqms.complaints.public-form"
TOKEN_MAX_AGE = 24 * 3600
#: the external id of a public submission: the token's nonce (one complaint per token)
EXTERNAL_PREFIX = "web-form:"
THANKS_KEY = "complaints_thanks"


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang")
    if wanted in LANGS:
        lang = LANGS[wanted]
    else:
        current = translation.get_language() or settings.LANGUAGE_CODE
        lang = "zh-hans" if current.startswith("zh") else "en"
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    return lang


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    lang = translation.get_language() or "en"
    return render(
        request,
        f"complaints/{template}",
        {"lang": "en" if lang.startswith("en") else "zh-hans", **context},
        status=status,
    )


def _message(
    request: HttpRequest, message: str, *, site: Site | None = None, status: int = 200
) -> HttpResponse:
    return _page(request, "public_message.html", {"message": message, "site": site}, status)


def _site(request: HttpRequest, code: str) -> Site:
    site = Site.objects.filter(code__iexact=code, is_active=True).first()
    if site is None:
        raise Http404
    return site


def _categories() -> list[tuple[str, str]]:
    """The active category tree, children indented under their parents."""
    nodes = list(Category.objects.filter(is_active=True))
    by_parent: dict[int | None, list[Category]] = {}
    for c in nodes:
        by_parent.setdefault(c.parent_id, []).append(c)
    active = {c.pk for c in nodes}
    out: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in by_parent.get(parent, []):
            out.append((str(c.pk), "— " * depth + c.label))
            walk(c.pk, depth + 1)

    walk(None, 0)
    # children of an inactive parent still appear, at the top level
    for c in nodes:
        if c.parent_id is not None and c.parent_id not in active:
            out.append((str(c.pk), c.label))
            walk(c.pk, 1)
    return out


class PublicComplaintForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Which service is it about?"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("What kind of problem?"), required=False)
    description = forms.CharField(
        label=gettext_lazy("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    customer_name = forms.CharField(label=gettext_lazy("Your name"), max_length=100, required=False)
    customer_contact = forms.CharField(
        label=gettext_lazy("Phone or email"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Only if you want us to contact you."),
    )

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = Service.objects.filter(sites=site).order_by("name")
        self.services = {str(s.pk): s for s in services}
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("(not sure)"))] + [
            (k, s.name) for k, s in self.services.items()
        ]
        if not self.services:
            del self.fields["service"]
        cats = _categories()
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("(not sure)"))] + cats
        if not cats:
            del self.fields["category"]

    def complaint_data(self, site: Site) -> dict[str, Any]:
        d = self.cleaned_data
        category = None
        if d.get("category"):
            category = Category.objects.filter(pk=int(d["category"]), is_active=True).first()
        return {
            "site": site,
            "service": self.services.get(d.get("service") or ""),
            "category": category,
            "channel": IntakeChannel.WEB_FORM,
            "description": d["description"],
            "customer_name": d["customer_name"].strip(),
            "customer_contact": d["customer_contact"].strip(),
        }


def issue_token(site: Site) -> str:
    return signing.dumps({"s": site.pk, "n": secrets.token_urlsafe(18)}, salt=TOKEN_SALT)


def read_token(token: str, site: Site) -> str | None:
    """The token's nonce when it is genuine, recent and for this site."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != site.pk or not data.get("n"):
        return None
    return str(data["n"])


def _thanks(request: HttpRequest, site: Site, complaint: Complaint) -> HttpResponse:
    request.session[THANKS_KEY] = complaint.tracking_code
    lang = "en" if (translation.get_language() or "").startswith("en") else "zh"
    return redirect(f"{reverse('complaint_public:thanks', args=[site.code])}?lang={lang}")


def _too_many(request: HttpRequest, site: Site | None = None) -> HttpResponse:
    return _message(
        request,
        _("Many messages are arriving at once. Please wait a minute and try again."),
        site=site,
        status=429,
    )


@never_cache
def complaint_form(request: HttpRequest, site_code: str) -> HttpResponse:
    _language(request)
    site = _site(request, site_code)
    form = PublicComplaintForm(request.POST or None, site=site)
    token = request.POST.get("token", "") if request.method == "POST" else ""
    file_errors: list[str] = []
    if request.method == "POST":
        if not hit(
            f"complaint-ip:{client_ip(request)}", settings.SQMS_PUBLIC_COMPLAINT_RATE_PER_IP
        ) or not hit(f"complaint-site:{site.pk}", settings.SQMS_PUBLIC_COMPLAINT_RATE_PER_SITE):
            return _too_many(request, site)
        if request.POST.get(HONEYPOT):
            return redirect(reverse("complaint_public:thanks", args=[site.code]))
        nonce = read_token(token, site)
        if nonce is None:
            return _message(
                request,
                _("This form has expired. Please reload the page and try again."),
                site=site,
                status=400,
            )
        existing = Complaint.objects.filter(external_id=EXTERNAL_PREFIX + nonce).first()
        if existing is not None:  # a double click or a replay: the first one stands
            return _thanks(request, site, existing)
        files: list[Any] = []
        try:
            files = check_uploads(request.FILES.getlist("files"), max_files=PUBLIC_MAX_FILES)
        except ValidationError as exc:
            file_errors = exc.messages
        if form.is_valid() and not file_errors:
            data = form.complaint_data(site)
            data["external_id"] = EXTERNAL_PREFIX + nonce
            try:
                complaint = actions.do_create_complaint(
                    data, source=Source.PUBLIC, acting_user=None, channel=Channel.PUBLIC
                )
            except actions.DuplicateExternalId as exc:
                return _thanks(request, site, exc.existing)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if files:
                    actions.do_add_attachments(
                        complaint, files, public=True, acting_user=None, channel=Channel.PUBLIC
                    )
                return _thanks(request, site, complaint)
    if not token:
        token = issue_token(site)
    return _page(
        request,
        "public_form.html",
        {
            "site": site,
            "form": form,
            "token": token,
            "honeypot": HONEYPOT,
            "file_errors": file_errors,
            "max_files": PUBLIC_MAX_FILES,
            "max_mb": settings.SQMS_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        },
    )


@require_safe
def complaint_thanks(request: HttpRequest, site_code: str) -> HttpResponse:
    _language(request)
    site = _site(request, site_code)
    code = request.session.get(THANKS_KEY, "")
    complaint = Complaint.objects.filter(tracking_code=code, site=site).first() if code else None
    return _page(request, "public_thanks.html", {"site": site, "complaint": complaint})


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch in TRACKING_ALPHABET)


def _tracked(request: HttpRequest, code: str) -> Complaint | HttpResponse:
    if not hit(f"complaint-track:{client_ip(request)}", settings.SQMS_TRACKING_LOOKUPS_PER_IP):
        return _too_many(request)
    complaint = (
        Complaint.objects.select_related("site").filter(tracking_code=normalize_code(code)).first()
    )
    if complaint is None:
        return _page(request, "public_track.html", {"unknown": True, "code": code}, status=404)
    return complaint


@require_safe
@never_cache
def track(request: HttpRequest) -> HttpResponse:
    _language(request)
    code = request.GET.get("code", "").strip()
    if not code:
        return _page(request, "public_track.html", {"code": ""})
    found = _tracked(request, code)
    if isinstance(found, HttpResponse):
        return found
    return redirect("complaint_public:status", code=found.tracking_code)


@never_cache
def status(request: HttpRequest, code: str) -> HttpResponse:
    _language(request)
    found = _tracked(request, code)
    if isinstance(found, HttpResponse):
        return found
    complaint = found
    errors: list[str] = []
    body = ""
    if request.method == "POST":
        if not hit(
            f"complaint-ip:{client_ip(request)}", settings.SQMS_PUBLIC_COMPLAINT_RATE_PER_IP
        ):
            return _too_many(request, complaint.site)
        body = request.POST.get("body", "")
        try:
            files = check_uploads(request.FILES.getlist("files"), max_files=PUBLIC_MAX_FILES)
            actions.do_add_customer_message(complaint, body, files)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect(
                f"{reverse('complaint_public:status', args=[complaint.tracking_code])}#sent"
            )
    entries = complaint.entries.filter(is_public=True).order_by("created_at", "id")
    attachments = complaint.attachments.filter(is_public=True)
    return _page(
        request,
        "public_status.html",
        {
            "site": complaint.site,
            "complaint": complaint,
            "entries": entries,
            "attachments": attachments,
            "errors": errors,
            "body": body,
            "can_write": complaint.status != Status.CLOSED,
            "waiting": complaint.status == Status.WAITING_CUSTOMER,
            "max_files": PUBLIC_MAX_FILES,
            "follow_up_url": follow_up_link(complaint),
        },
    )


@require_safe
def public_attachment(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    _language(request)
    found = _tracked(request, code)
    if isinstance(found, HttpResponse):
        return found
    att = Attachment.objects.filter(complaint=found, pk=pk, is_public=True).first()
    if att is None:
        raise Http404
    return download(att)


def download(att: Attachment) -> FileResponse:
    """The stored file, as an attachment (never rendered inline by the browser)."""
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=att.name, content_type=att.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
