"""The nonconformity's stages as data: which transitions exist, from which stages, to which,
and the guard each one must pass.

    draft → analysis → action plan → in progress → verification → closed (or cancelled)

Guards: a root cause is recorded (a 5-Why step or a fishbone cause marked as root) before the
action plan; the cycle has at least one action before work starts, and every action of the
cycle is done or cancelled (at least one done) before verification; closing needs a confirmed
"effective" verification of the cycle. A verification confirmed "not effective" reopens the
nonconformity: back to the action plan with the next cycle ("reopen").

``check(nc, name)`` raises a ``ValidationError`` naming the current stage and what is missing;
the actions call it before writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sqms.capa.choices import OPEN_STAGES, ActionStatus, Stage, Verdict
from sqms.capa.models import Nonconformity

S = Stage


def has_root_cause(nc: Nonconformity) -> bool:
    return nc.why_steps.filter(is_root=True).exists() or nc.fishbone.filter(is_root=True).exists()


def _root_cause(nc: Nonconformity) -> str | None:
    if has_root_cause(nc):
        return None
    return _("record the root cause first: mark a 5-Why step or a fishbone cause as the root cause")


def _has_actions(nc: Nonconformity) -> str | None:
    if nc.actions.filter(cycle=nc.cycle).exclude(status=ActionStatus.CANCELLED).exists():
        return None
    return _("add at least one action to the plan of cycle %(cycle)d") % {"cycle": nc.cycle}


def _actions_done(nc: Nonconformity) -> str | None:
    actions = nc.actions.filter(cycle=nc.cycle)
    open_count = actions.filter(status=ActionStatus.OPEN).count()
    if open_count:
        return _(
            "%(n)d action(s) of cycle %(cycle)d are still open; mark them done or cancel them"
        ) % {
            "n": open_count,
            "cycle": nc.cycle,
        }
    if not actions.filter(status=ActionStatus.DONE).exists():
        return _("no action of cycle %(cycle)d is done") % {"cycle": nc.cycle}
    return None


def _verified(nc: Nonconformity) -> str | None:
    v = nc.verifications.filter(cycle=nc.cycle).first()
    if v is None:
        return _("check effectiveness first: no verification result for cycle %(cycle)d") % {
            "cycle": nc.cycle
        }
    if v.verdict != Verdict.EFFECTIVE:
        return _("a quality manager must confirm the verification as effective")
    return None


def _not_effective(nc: Nonconformity) -> str | None:
    v = nc.verifications.filter(cycle=nc.cycle).first()
    if v is None or v.verdict != Verdict.NOT_EFFECTIVE:
        return _("only a verification confirmed as not effective reopens the action plan")
    return None


Guard = Callable[[Nonconformity], "str | None"]


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    guards: tuple[Guard, ...] = ()
    #: shown as a button on the detail page (close and reopen follow the verdict)
    manual: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("analyse", gettext_lazy("Start analysis"), frozenset({S.DRAFT}), S.ANALYSIS),
        Transition(
            "plan",
            gettext_lazy("Root cause found: plan actions"),
            frozenset({S.ANALYSIS}),
            S.ACTION_PLAN,
            (_root_cause,),
        ),
        Transition(
            "back_to_analysis",
            gettext_lazy("Back to analysis"),
            frozenset({S.ACTION_PLAN}),
            S.ANALYSIS,
        ),
        Transition(
            "start",
            gettext_lazy("Start the actions"),
            frozenset({S.ACTION_PLAN}),
            S.IN_PROGRESS,
            (_root_cause, _has_actions),
        ),
        Transition(
            "verify",
            gettext_lazy("Actions done: verify effectiveness"),
            frozenset({S.IN_PROGRESS}),
            S.VERIFICATION,
            (_has_actions, _actions_done),
        ),
        Transition(
            "close",
            gettext_lazy("Close"),
            frozenset({S.VERIFICATION}),
            S.CLOSED,
            (_actions_done, _verified),
            manual=False,
        ),
        Transition(
            "reopen",
            gettext_lazy("Reopen with a new action plan"),
            frozenset({S.VERIFICATION}),
            S.ACTION_PLAN,
            (_not_effective,),
            manual=False,
        ),
        Transition("cancel", gettext_lazy("Cancel"), frozenset(OPEN_STAGES), S.CANCELLED),
    )
}


def available(stage: str, *, manual_only: bool = True) -> list[Transition]:
    """The transitions an NC in ``stage`` may take (buttons: the manual ones), in order."""
    return [t for t in TRANSITIONS.values() if stage in t.sources and (t.manual or not manual_only)]


def check(nc: Nonconformity, name: str) -> Transition:
    """The transition, or a ValidationError naming the stage and what is missing."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Unknown transition “%(name)s”.") % {"name": name}})
    stage_label = Stage(nc.stage).label
    missing = [m for m in (g(nc) for g in transition.guards) if m]
    if nc.stage not in transition.sources:
        message = _(
            "%(ref)s is in stage “%(stage)s” and cannot be moved by “%(transition)s”; "
            "allowed now: %(allowed)s."
        ) % {
            "ref": nc.reference,
            "stage": stage_label,
            "transition": transition.label,
            "allowed": ", ".join(str(t.label) for t in available(nc.stage)) or "—",
        }
        if missing and nc.stage in OPEN_STAGES:
            message += " " + _("Still missing: %(missing)s.") % {"missing": "; ".join(missing)}
        raise ValidationError({"transition": message})
    if missing:
        raise ValidationError(
            {
                "transition": _(
                    "%(ref)s (stage “%(stage)s”) cannot “%(transition)s” yet: %(missing)s."
                )
                % {
                    "ref": nc.reference,
                    "stage": stage_label,
                    "transition": transition.label,
                    "missing": "; ".join(missing),
                }
            }
        )
    return transition
