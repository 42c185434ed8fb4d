"""The ``sqms`` command: a friendly front to the project's management commands."""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "demo": "load the demo organization and serve it (make demo)",
    "serve": "start the web server on http://127.0.0.1:8000",
    "migrate": "create or upgrade the database schema",
    "createuser": "add a user with a role and a scope of sites or regions",
    "check": "check the configuration (--deploy for production settings)",
    "import-responses": "import survey responses from LimeSurvey, Qualtrics, SurveyMonkey, Google Forms, 问卷星 or SQMS files",
    "export-responses": "export a campaign's responses as CSV or XLSX",
    "install-instruments": "install the built-in survey instruments (SERVQUAL, CSAT, NPS, …)",
    "calendar-load-cn": "add China's public holidays and 调休 working days of some years to a calendar",
    "calendar-import-ical": "add the events of an iCal (.ics) file to a calendar as holidays or working days",
    "complaints-check-clocks": "check the complaints' SLA clocks once: warnings, breaches, escalations (--now ISO)",
    "complaints-import": "import historical complaints from a CSV or XLSX file (--dry-run checks only)",
    "complaints-volumes-import": "import monthly transaction volumes per site (CSV or XLSX; all rows or none)",
    "import-checklist": "import an inspection checklist from a CSV or XLSX file into a draft (--code X)",
    "plan-inspections": "create the planned inspections of the inspection programmes up to --until DATE",
    "capacity-plan": "print a site's capacity plan by Erlang C: staff needed per hour vs rostered (--csv FILE)",
    "capa-check-actions": "remind and escalate overdue CAPA actions once (--now ISO)",
    "capa-install-causes": "create the default CAPA cause taxonomy (three causes per 6M category)",
    "review-standards": "supersede standards whose effective date has come; send review reminders and overdue notices now",
    "pdca-check": "print a PDCA project's Check: KPI before vs after, significance test, verdict (--project CODE)",
    "compute-kpis": "recompute the recent periods of the computed KPIs and judge them (--kpi CODE, --periods-back N)",
    "report": "write a report: management-review --period 2026Q3 --scope ORG --format pdf|xlsx -o FILE",
    "worker": "the background worker: periodic jobs and notification delivery (huey)",
    "tick": "run the periodic jobs that are due, once (cron, without a worker); --list shows them",
}

USAGE = (
    "usage: sqms <command> [options]\n\nSQMS — Service Quality Management System.\n\ncommands:\n"
    + "\n".join(f"  {name:<18} {text}" for name, text in COMMANDS.items())
    + (
        "\n\nRun 'sqms <command> --help' for a command's options. Configuration comes from environment "
        "variables (DATABASE_URL, SQMS_SECRET_KEY, SQMS_DEBUG, …); see docs/configuration.md."
    )
)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"sqms: unknown command {name!r}\n\n{USAGE}", file=sys.stderr)
        raise SystemExit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqms.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"sqms: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import ManagementUtility

    ManagementUtility(["sqms", name.replace("-", "_"), *rest]).execute()


if __name__ == "__main__":
    main()
