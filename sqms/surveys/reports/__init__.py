"""Survey report pages, one module per page holding its query, its panels and its view.

=================  ========================================================================
``selection``      the shared filters and what they select: rollups, responses, scale items
``frame``          the page frame: tabs, filter choices, drill-down links, the role guard
``servqual``       SERVQUAL: items, dimensions, α, zone of tolerance, trend, league, funnel
``gap_model``      gaps 1, 3 and 5 on one scale
``csat_nps``       CSAT top-2-box and NPS by site, channel and period
``ipa``            importance–performance quadrants (stated or derived importance)
``distribution``   the spread of one question's answers
``comments``       free-text comments and their keywords
``drilldown``      the responses behind any number
=================  ========================================================================

Every query reads through ``restrict(user)``; the maths is in ``sqms.analytics``; the panel,
chart and statistic types are shared with the other apps (``sqms.core.panels``,
``sqms.core.charts``, ``sqms.core.stats``).
"""
