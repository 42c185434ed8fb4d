"""The complaint workflow as data: which transitions exist, from which statuses, to which.

    new → acknowledged → investigating → resolved → closed, with reopen, and two waiting
    statuses (customer, third party) that pause the SLA clocks.

``check(transition, status)`` refuses a transition the current status does not allow with a
message naming both; the actions call it before writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sqms.complaints.choices import Status

S = Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("acknowledge", gettext_lazy("Acknowledge"), frozenset({S.NEW}), S.ACKNOWLEDGED),
        Transition(
            "investigate",
            gettext_lazy("Start investigating"),
            frozenset({S.NEW, S.ACKNOWLEDGED}),
            S.INVESTIGATING,
        ),
        Transition(
            "wait_customer",
            gettext_lazy("Wait for customer"),
            frozenset({S.ACKNOWLEDGED, S.INVESTIGATING, S.WAITING_THIRD_PARTY}),
            S.WAITING_CUSTOMER,
        ),
        Transition(
            "wait_third_party",
            gettext_lazy("Wait for third party"),
            frozenset({S.ACKNOWLEDGED, S.INVESTIGATING, S.WAITING_CUSTOMER}),
            S.WAITING_THIRD_PARTY,
        ),
        Transition(
            "resume",
            gettext_lazy("Resume"),
            frozenset({S.WAITING_CUSTOMER, S.WAITING_THIRD_PARTY}),
            S.INVESTIGATING,
        ),
        Transition(
            "resolve",
            gettext_lazy("Resolve"),
            frozenset({S.NEW, S.ACKNOWLEDGED, S.INVESTIGATING}),
            S.RESOLVED,
        ),
        Transition("close", gettext_lazy("Close"), frozenset({S.RESOLVED}), S.CLOSED),
        Transition(
            "reopen", gettext_lazy("Reopen"), frozenset({S.RESOLVED, S.CLOSED}), S.INVESTIGATING
        ),
    )
}


def available(status: str) -> list[Transition]:
    """The transitions a complaint in ``status`` may take, in workflow order."""
    return [t for t in TRANSITIONS.values() if status in t.sources]


def check(name: str, status: str) -> Transition:
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Unknown transition “%(name)s”.") % {"name": name}})
    if status not in transition.sources:
        raise ValidationError(
            {
                "transition": _(
                    "A complaint that is “%(status)s” cannot be moved by “%(transition)s”; "
                    "allowed now: %(allowed)s."
                )
                % {
                    "status": Status(status).label,
                    "transition": transition.label,
                    "allowed": ", ".join(str(t.label) for t in available(status)) or "—",
                }
            }
        )
    return transition
