"""Statistics of service quality: pure functions over numbers and numpy arrays.

This package never imports Django. Modules:

``spc`` (+ ``constants``)
    Control charts, run rules and control-chart constants.
``servqual``
    SERVQUAL gap scores, SERVPERF and the zone of tolerance.
``reliability``
    Cronbach's alpha with item analysis, and alpha from rollups.
``metrics``
    NPS (from answers or counts), CSAT, top-box shares and proportion confidence intervals.
``summary``
    Means, t-intervals and variances from rollups (n, sum, sum of squares).
``compare``
    Before/after and group-vs-group tests with effect sizes (also from summary statistics),
    and the z-test of two independent estimates.
``ipa``
    Importance-performance analysis and key-driver (derived importance) analysis.
``pareto``
    Pareto analysis of causes.
``funnel``
    Funnel-plot limits for comparing sites of different volume.
``queueing``
    Erlang B/C, M/M/c measures and staffing.
``regression``
    Simple least-squares line with coefficient intervals, and binned means.
"""
