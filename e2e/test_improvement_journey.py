"""Journey: the daily first-contact resolution of the Alpha store falls far below its frozen
control limits on one day (the test enters the values); the quality manager sees the signal
on the dashboard, opens the alert, raises a nonconformity from it in one step and starts a
PDCA project from the NC (the KPI and the store come with it). She fills the Plan, moves the
project to Do, adds a task and marks it done, moves it to Check; later values arrive (the test
enters ten better days); the Check measures before vs after with a two-proportion z-test and
proposes "effective"; she moves it to Act, standardizes with the updated checkout standard and
closes it. Finally the management review of the quarter for the store shows the project with
its Check figures and the KPI's signal."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from e2e.steps import login
from sqms.capa.choices import Origin
from sqms.capa.models import Nonconformity
from sqms.core.choices import Channel, Role
from sqms.improvement.models import PdcaDecision, PdcaProject, PdcaStage, PdcaTaskStatus
from sqms.kpis import actions as kpi_actions
from sqms.kpis.choices import AlertStatus, Level
from sqms.kpis.models import Alert
from sqms.kpis.tests.conftest import make_kpi
from sqms.standards.tests.data import effective_version
from sqms.test import World, make_user

CLI = Channel.CLI
N = 100  # contacts a day
#: resolved at first contact on the 20 baseline days (of N)
BASELINE = [88, 90, 87, 89, 91, 88, 90, 89, 87, 91, 90, 88, 89, 90, 88, 91, 87, 89, 90, 88]
SIGNAL = 60  # the bad day
#: the ten days after the change
AFTER = [96, 97, 95, 96, 97, 97, 96, 95, 97, 96]
TARGET = 0.95


def _no_error(page) -> None:  # type: ignore[no-untyped-def]
    errors = page.locator("ul.messages li.error, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def _submit(page, locator) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        locator.click()
    _no_error(page)


def _move(page, stage: str) -> None:  # type: ignore[no-untyped-def]
    _submit(page, page.get_by_role("button", name=f"Move to {stage}", exact=True))
    expect(page.locator("ul.messages")).to_contain_text(f"is now “{stage}”")


def _signal_day(today: dt.date) -> dt.date:
    """Twelve days ago, kept inside today's quarter (the review's default period)."""
    quarter_first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return max(today - dt.timedelta(days=12), quarter_first)


def _values(kpi, site, first: dt.date, numerators: list[int]) -> list:  # type: ignore[no-untyped-def]
    return [
        kpi_actions.EnteredValue(site, first + dt.timedelta(days=i), d / N, N)
        for i, d in enumerate(numerators)
    ]


def _z(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    return (x2 / n2 - x1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))


def test_improvement_journey(live_server, world: World, page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    qm = world.qm
    today = timezone.localdate()
    signal_day = _signal_day(today)
    baseline_from = signal_day - dt.timedelta(days=len(BASELINE))
    after_from = signal_day + dt.timedelta(days=1)
    after_to = after_from + dt.timedelta(days=len(AFTER) - 1)

    # 1. a daily proportion KPI of the Alpha store with limits frozen on 20 days, then the
    #    bad day arrives and breaks rule 1 (a point beyond 3 sigma)
    kpi = make_kpi("FCR", nature="proportion", direction="higher", period="day", target=0.9)
    site_a = world.site_a
    kpi_actions.do_enter_values(
        kpi, _values(kpi, site_a, baseline_from, BASELINE), acting_user=qm, channel=CLI
    )
    unit = kpi_actions.Unit(Level.SITE, site_id=site_a.pk)
    limits = kpi_actions.do_freeze_limits(
        kpi,
        unit,
        baseline_from,
        signal_day - dt.timedelta(days=1),
        [1],
        acting_user=qm,
        channel=CLI,
    )
    pbar = sum(BASELINE) / (N * len(BASELINE))
    assert limits.center == pbar and limits.points == len(BASELINE)
    lcl = pbar - 3 * math.sqrt(pbar * (1 - pbar) / N)
    assert SIGNAL / N < lcl < min(BASELINE) / N
    kpi_actions.do_enter_values(
        kpi, _values(kpi, site_a, signal_day, [SIGNAL]), acting_user=qm, channel=CLI
    )
    alert = Alert.objects.get(kpi=kpi)
    assert (alert.period, alert.rule, alert.status) == (signal_day, 1, AlertStatus.OPEN)
    # the standard the project will update
    qm2 = make_user("qm2", Role.QUALITY_MANAGER)
    checkout = effective_version(world, qm, qm2, effective_from=today, code="CHECKOUT")

    # 2. the quality manager lands on the dashboard and sees the open alert
    login(page, base, qm)
    page.goto(f"{base}/kpis/dashboard/")
    alerts = page.locator("#dashboard-alerts")
    expect(alerts.locator("h2")).to_have_text("1 open KPI alert")
    row = alerts.locator("tbody tr", has_text="FCR")
    expect(row.locator("td").nth(1)).to_have_text(f"ALPHA {site_a.name}")
    expect(row.locator("td").nth(2)).to_have_text(signal_day.isoformat())
    expect(row.locator("td").nth(3)).to_have_text("1")
    expect(row.locator("td").nth(4)).to_have_text("0.6000")
    row.get_by_role("link", name="Acknowledge or raise a nonconformity").click()
    page.wait_for_url(f"**/kpis/alerts/{alert.pk}/")
    card = page.locator("main .card").first
    expect(card).to_contain_text(signal_day.isoformat())
    expect(card).to_contain_text("0.6000")
    expect(card).to_contain_text("1: ")

    # 3. one step: the alert becomes a nonconformity
    _submit(page, page.get_by_role("button", name="Raise a nonconformity"))
    nc = Nonconformity.objects.get()
    page.wait_for_url(f"**/capa/{nc.pk}/")
    expect(page.locator("ul.messages")).to_contain_text(f"Nonconformity {nc} raised.")
    assert (nc.origin, nc.site) == (Origin.KPI_ALARM, site_a)
    alert.refresh_from_db()
    assert (alert.status, alert.nonconformity_ref) == (AlertStatus.NONCONFORMITY, nc.reference)
    expect(page.locator("main")).to_contain_text("KPI alarm")

    # 4. from the NC, a PDCA project: the NC, its store and the alert's KPI come prefilled
    page.get_by_role("link", name="Start a PDCA project").click()
    page.wait_for_url("**/improvement/pdca/new/**")
    expect(page.locator("#id_nonconformity")).to_have_value(str(nc.pk))
    expect(page.locator("#id_site")).to_have_value(str(site_a.pk))
    expect(page.locator("#id_level")).to_have_value(Level.SITE)
    expect(page.locator("#id_kpi")).to_have_value(str(kpi.pk))
    page.fill("#id_code", "PDCA-FCR-1")
    page.fill("#id_title", "First-contact resolution back above 95 %")
    page.select_option("#id_owner", value=str(qm.pk))
    page.fill("#id_baseline_from", baseline_from.isoformat())
    page.fill("#id_baseline_to", signal_day.isoformat())
    page.fill("#id_target", str(TARGET))
    page.fill("#id_due_date", (today + dt.timedelta(days=30)).isoformat())
    page.fill("#id_problem", "Only 60 % of contacts were resolved at first contact.")
    page.fill("#id_root_cause", "New staff lack the refund authority the script assumes.")
    page.fill("#id_plan_what", "Give shift leads refund authority up to 200 yuan.")
    page.fill("#id_plan_why", "Customers are sent away and call again.")
    page.fill("#id_plan_where", "Alpha store service desk.")
    page.fill("#id_plan_when", "From next Monday.")
    page.fill("#id_plan_who", "Store manager and shift leads.")
    page.fill("#id_plan_how", "Update the checkout standard and train the leads.")
    _submit(page, page.locator("main form button[type=submit]"))
    project = PdcaProject.objects.get()
    page.wait_for_url(f"**/improvement/pdca/{project.pk}/")
    expect(page.locator("h1")).to_have_text("PDCA-FCR-1 First-contact resolution back above 95 %")
    assert (project.kpi, project.nonconformity, project.site, project.stage) == (
        kpi,
        nc,
        site_a,
        PdcaStage.PLAN,
    )
    expect(page.locator("main")).not_to_contain_text("Still missing before Do")
    expect(page.locator("main")).to_contain_text(nc.reference)

    # 5. Do: one task, done; the after period entered for the Check
    _move(page, "Do")
    page.fill("#task_title", "Train the shift leads on the refund authority")
    page.fill("#task_due_date", (today + dt.timedelta(days=7)).isoformat())
    page.select_option("#task_owner", value=str(qm.pk))
    _submit(page, page.get_by_role("button", name="Add the task"))
    tasks = page.locator("#tasks + table tbody tr")
    expect(tasks).to_have_count(1)
    expect(tasks.first).to_contain_text("Open")
    _submit(page, tasks.first.get_by_role("button", name="Mark done"))
    expect(tasks.first.locator("td").nth(3)).to_have_text("Done")
    assert project.tasks.get().status == PdcaTaskStatus.DONE
    page.fill("#after_after_from", after_from.isoformat())
    page.fill("#after_after_to", after_to.isoformat())
    _submit(page, page.get_by_role("button", name="Save the after period"))
    _move(page, "Check")

    # 6. later values arrive: ten better days
    kpi_actions.do_enter_values(
        kpi, _values(kpi, site_a, after_from, AFTER), acting_user=qm, channel=CLI
    )
    assert Alert.objects.filter(kpi=kpi).count() == 1  # the better days stay inside the limits
    _submit(page, page.get_by_role("button", name="Run the Check"))
    check = page.locator("#check + .card")
    b_events, b_n = sum(BASELINE) + SIGNAL, N * (len(BASELINE) + 1)
    a_events, a_n = sum(AFTER), N * len(AFTER)
    expect(check).to_contain_text(
        f"Before {baseline_from}…{signal_day}: {len(BASELINE) + 1} period(s), "
        f"{b_events / b_n:.6g} ({b_events}/{b_n})"
    )
    expect(check).to_contain_text(
        f"After {after_from}…{after_to}: {len(AFTER)} period(s), "
        f"{a_events / a_n:.6g} ({a_events}/{a_n})"
    )
    z = _z(b_events, b_n, a_events, a_n)
    expect(check).to_contain_text(f"two-proportion z-test: statistic {z:.6g}, p = ")
    p_shown = re.search(r"p = ([0-9.e+-]+)", check.inner_text())
    assert p_shown and float(p_shown.group(1)) == float(f"{math.erfc(abs(z) / math.sqrt(2)):.6g}")
    assert float(p_shown.group(1)) < 1e-6
    expect(check).to_contain_text(
        f"difference in proportions {a_events / a_n - b_events / b_n:.6g}"
    )
    expect(check).to_contain_text("Verdict: effective: target met and the change is significant")
    expect(page.locator("#chart-pdca")).to_have_count(1)

    # 7. Act: standardize with the updated checkout standard, then close
    _move(page, "Act")
    page.select_option("#act_decision", value=PdcaDecision.STANDARDIZE)
    page.select_option("#act_standard_version", value=str(checkout.pk))
    page.fill("#act_note", "Refund authority written into the checkout standard.")
    _submit(page, page.get_by_role("button", name="Record the decision"))
    expect(page.locator("main")).to_contain_text("Standardize (updated standard)")
    expect(page.locator("main")).to_contain_text("CHECKOUT v1")
    _move(page, "Closed")
    for gone in ("Edit the Plan", "Run the Check", "Record the decision"):
        expect(page.get_by_text(gone, exact=True)).to_have_count(0)
    project.refresh_from_db()
    assert (project.stage, project.decision, project.standard_version) == (
        PdcaStage.CLOSED,
        PdcaDecision.STANDARDIZE,
        checkout,
    )
    assert project.check_result["verdict"] == "effective"

    # 8. the management review of this quarter for the store: the project and the signal
    page.locator("nav.mainnav").get_by_role("link", name="Management review").click()
    page.wait_for_url("**/reports/management-review/**")
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    expect(page.locator("input[name=period]")).to_have_value(quarter)
    page.fill("input[name=scope]", "ALPHA")
    _submit(page, page.get_by_role("button", name="Apply"))
    expect(page.locator(".review-meta")).to_contain_text(quarter)
    improvement = page.locator("#section-improvement")
    cells = improvement.locator("tbody tr", has_text="PDCA-FCR-1").locator("td")
    expect(cells).to_have_text(
        [
            "PDCA-FCR-1",
            "First-contact resolution back above 95 %",
            f"ALPHA {site_a.name}",
            "Closed",
            "FCR",
            str(round(b_events / b_n, 4)),
            str(round(a_events / a_n, 4)),
            "two-proportion z-test",
            # two significant digits, written out in full as Django renders a float
            format(Decimal(f"{math.erfc(abs(z) / math.sqrt(2)):.2g}"), "f"),
            "effective: target met and the change is significant",
            "Standardize (updated standard)",
        ]
    )
    expect(improvement.locator("tbody tr", has_text="Projects, stage: Closed")).to_contain_text("1")
    kpi_row = page.locator("#section-kpis tbody tr", has_text="FCR").locator("td")
    # the KPI's signals and alerts in the quarter: the one bad day
    expect(kpi_row.nth(0)).to_have_text("FCR")
    expect(kpi_row.nth(7)).to_have_text("1")
    expect(kpi_row.nth(8)).to_have_text("1")
