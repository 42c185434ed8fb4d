"""Every write to checklists, programmes, inspections, audits, disputes and consequences. Split
by domain; callers write ``actions.do_…``."""

__all__: list[str] = []
