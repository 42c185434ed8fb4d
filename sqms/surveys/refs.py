"""Signed references a public-form link may carry, so an answer is tied to the record that
asked for it (e.g. the follow-up survey of a complaint).

Another app makes the link with :func:`make_ref` (``?ref=…`` on ``/s/<slug>/``) and registers
a handler for its kind with :func:`register`; the public form checks the signature, stores the
response with the external id ``"<kind>:<pk>"`` (so one record gets one answer per campaign) and
calls the handler inside the submission's transaction. The surveys app knows nothing else about
the other app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing

if TYPE_CHECKING:
    from sqms.surveys.models import Response

SALT = "sqms.surveys.ref"

Handler = Callable[[int, "Response"], None]
_HANDLERS: dict[str, Handler] = {}


@dataclass(frozen=True)
class Ref:
    kind: str
    pk: int

    @property
    def external_id(self) -> str:
        return f"{self.kind}:{self.pk}"


def register(kind: str, handler: Handler) -> None:
    """Call ``handler(pk, response)`` when a response arrives with a reference of ``kind``."""
    _HANDLERS[kind] = handler


def make_ref(kind: str, pk: int, campaign_site_id: int) -> str:
    """A tamper-proof reference to record ``pk`` of ``kind``, valid on one campaign link
    (the same every time: the link in the email and on the status page agree)."""
    return signing.Signer(salt=SALT).sign_object([kind, pk, campaign_site_id])


def read_ref(value: str, campaign_site_id: int) -> Ref | None:
    """The reference, or None when it is missing, forged, for another link or of a kind
    nobody handles."""
    if not value:
        return None
    try:
        kind, pk, cs_id = signing.Signer(salt=SALT).unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if cs_id != campaign_site_id or kind not in _HANDLERS or not isinstance(pk, int):
        return None
    return Ref(str(kind), pk)


def link(ref: Ref, response: Response) -> None:
    _HANDLERS[ref.kind](ref.pk, response)
