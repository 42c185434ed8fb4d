"""The keyword-cluster page: the terms found in most complaint texts (Chinese by jieba, English
by words less stop words — ``sqms.surveys.keywords``) and the pairs of terms that occur
together, each with its complaints, sites, examples and a "refer to CAPA" button.

One query reads the texts of the newest :data:`SAMPLE_CAP` complaints of the selection (the
cap is shown on the page); tokenising is Python's, as it cannot be done in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from sqms.complaints.models import CapaReferral
from sqms.complaints.reports.frame import frame, report_view
from sqms.complaints.reports.selection import ComplaintFilters, complaints
from sqms.core.choices import Role
from sqms.core.panels import Panel, count, render_panels, text
from sqms.core.scoping import allowed, role_of
from sqms.surveys.keywords import co_occurring, document_frequency, terms

SAMPLE_CAP = 2000
TOP_TERMS = 30
CLUSTERS = 15
EXAMPLES = 3


@dataclass(frozen=True)
class Example:
    pk: int
    reference: str
    summary: str
    url: str


@dataclass(frozen=True)
class Cluster:
    terms: tuple[str, str]
    complaint_ids: list[int]
    site_codes: list[str]
    examples: list[Example]

    @property
    def label(self) -> str:
        return " + ".join(self.terms)

    @property
    def cross_site(self) -> bool:
        return len(self.site_codes) > 1


@dataclass(frozen=True)
class Clusters:
    filters: ComplaintFilters
    sample: int
    cap: int
    top_terms: list[tuple[str, int]]
    clusters: list[Cluster]


def clusters_report(user: Any, f: ComplaintFilters) -> Clusters:
    rows = list(
        complaints(user, f)
        .order_by("-received_at", "-pk")
        .values_list("pk", "summary", "description", "site__code")[:SAMPLE_CAP]
    )
    docs = [terms(f"{summary}\n{description}") for _pk, summary, description, _s in rows]
    found = co_occurring(docs, top_terms=40, min_count=2, limit=CLUSTERS)
    clusters = []
    for pair, ix in found:
        members = [rows[i] for i in ix]
        clusters.append(
            Cluster(
                pair,
                [m[0] for m in members],
                sorted({m[3] for m in members}),
                [
                    Example(
                        m[0],
                        f"C-{m[0]:06d}",
                        m[1],
                        reverse("complaints:detail", args=[m[0]]),
                    )
                    for m in members[:EXAMPLES]
                ],
            )
        )
    return Clusters(f, len(rows), SAMPLE_CAP, document_frequency(docs, TOP_TERMS), clusters)


def clusters_panels(r: Clusters) -> list[Panel]:
    top = Panel(
        "terms",
        _("Top terms"),
        [_("Term"), _("Complaints")],
        note=_("Terms by the number of complaints whose summary or description contains them."),
    )
    for term, n in r.top_terms:
        top.rows.append([text(term), count(n)])
    cl = Panel(
        "clusters",
        _("Co-occurring terms"),
        [_("Terms"), _("Complaints"), _("Sites"), _("Examples")],
        open=True,
    )
    for c in r.clusters:
        cl.rows.append(
            [
                text(c.label),
                count(len(c.complaint_ids)),
                text(", ".join(c.site_codes)),
                text(" · ".join(f"{e.reference} {e.summary}" for e in c.examples)),
            ]
        )
    return [cl, top]


@report_view("clusters")
def report_clusters(request: HttpRequest) -> HttpResponseBase:
    f = ComplaintFilters.from_params(request.GET)
    r = clusters_report(request.user, f)
    panels = clusters_panels(r) if r.sample else []
    can_refer = allowed(request.user, "add", CapaReferral)
    context = frame(
        request,
        f,
        "complaints:report_clusters",
        _("Keyword clusters"),
        report=r,
        can_refer=can_refer,
        can_refer_cross_site=can_refer and role_of(request.user) == Role.QUALITY_MANAGER,
        next_url=request.get_full_path(),
    )
    return render_panels(request, "complaints/reports_clusters.html", context, panels)
