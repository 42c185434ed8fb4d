"""A small, hand-computed set of complaints for the report tests, written through the actions
with the clock moved (``now=``). No business calendar exists, so the SLA clocks run 24×7 on
the default policy (first response 4 h, resolution 24 h).

=====  ====  =====  ========  ====================  ===========  ==============  =========
name   site  month  category  contact               response     resolution      root cause
=====  ====  =====  ========  ====================  ===========  ==============  =========
c1     A     03     X         P1                    +1 h met     +10 h met       people
c2     A     03     X         P1                    +2 h met     +30 h breached  people
c3     A     03     Y         P2                    +6 h breach  open, overdue   –
c4     A     04     X         –                     running      running         –
c5     B     03     Y         P1                    +1 h met     +5 h met        material
c6     A     04     X         P2                    +3 h met     +20 h met       method
c7     A     04     Z         –                     overdue      open, overdue   –
=====  ====  =====  ========  ====================  ===========  ==============  =========

Volumes: A 2026-03 2,000; B 2026-02 1,000; B 2026-03 500 (A 2026-04 none).
The report runs at :data:`NOW`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqms.complaints import actions
from sqms.complaints.choices import Source
from sqms.complaints.models import Category, Complaint, TransactionVolume
from sqms.core.choices import Channel
from sqms.test import World

WEB = Channel.WEB
MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 4, 20, 2, 0, tzinfo=UTC)
P1, P2 = "138 0000 0001", "p2@example.com"


def _category(code: str, name: str) -> Category:
    return Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name})[0]


def build(world: World) -> dict[str, Any]:
    x, y, z = _category("RX", "Cat X"), _category("RY", "Cat Y"), _category("RZ", "Cat Z")
    a, b = world.site_a, world.site_b
    out: dict[str, Any] = {"X": x, "Y": y, "Z": z}

    def create(name: str, site: Any, at: datetime, cat: Category, contact: str, text: str) -> None:
        user = world.alpha_manager if site == a else world.bravo_manager
        out[name] = actions.do_create_complaint(
            {
                "site": site,
                "channel": "phone",
                "category": cat,
                "description": text,
                "customer_contact": contact,
                "received_at": at,
            },
            source=Source.STAFF,
            acting_user=user,
            channel=WEB,
            now=at,
        )

    def step(name: str, transition: str, hours: float, **kw: Any) -> None:
        c = Complaint.objects.get(pk=out[name].pk)
        user = world.alpha_manager if c.site_id == a.pk else world.bravo_manager
        out[name] = actions.do_transition(
            c,
            transition,
            expected_version=c.version,
            acting_user=user,
            channel=WEB,
            now=c.received_at + timedelta(hours=hours),
            **kw,
        )

    april5 = datetime(2026, 4, 5, 2, 0, tzinfo=UTC)
    create("c1", a, MARCH, x, P1, "Coffee cold at the counter")
    create("c2", a, MARCH, x, P1, "The coffee was cold again")
    create("c3", a, MARCH, y, P2, "排队时间太长，服务员态度差")
    create("c4", a, datetime(2026, 4, 19, 23, 0, tzinfo=UTC), x, "", "Wrong change given")
    create("c5", b, MARCH, y, P1, "Cold coffee at Bravo")
    create("c6", a, april5, x, P2, "coffee cold, milk sour")
    create("c7", a, datetime(2026, 4, 15, 2, 0, tzinfo=UTC), z, "", "排队时间太长了")
    step("c1", "acknowledge", 1)
    step("c1", "resolve", 10, resolution="Replaced", root_cause="people")
    step("c2", "acknowledge", 2)
    step("c2", "resolve", 30, resolution="Refund", root_cause="people")
    step("c3", "acknowledge", 6)
    step("c5", "acknowledge", 1)
    step("c5", "resolve", 5, resolution="Replaced", root_cause="material")
    step("c6", "acknowledge", 3)
    step("c6", "resolve", 20, resolution="Apology", root_cause="method")
    # What the SLA scheduler records when a clock passes its due time.
    Complaint.objects.filter(pk=out["c2"].pk).update(
        resolution_breached_at=MARCH + timedelta(hours=24)
    )
    Complaint.objects.filter(pk=out["c3"].pk).update(
        response_breached_at=MARCH + timedelta(hours=4)
    )
    # Transaction volumes (no action for them on this branch yet).
    TransactionVolume.objects.create(site=a, period=date(2026, 3, 1), transactions=2000)
    TransactionVolume.objects.create(site=b, period=date(2026, 2, 1), transactions=1000)
    TransactionVolume.objects.create(site=b, period=date(2026, 3, 1), transactions=500)
    return out
