r"""Statistical process control charts and run rules.

Shewhart charts for variables (:func:`xbar_r`, :func:`xbar_s`, :func:`imr`) and attributes
(:func:`p_chart`, :func:`np_chart`, :func:`c_chart`, :func:`u_chart`), time-weighted charts
for small shifts (:func:`ewma`, :func:`cusum`), the Western Electric / Nelson run rules
(:func:`run_rules`) and the Anhøj rules for run charts (:func:`anhoej`).

Phase I and phase II
    Every chart takes ``baseline``: the first ``baseline`` points estimate the centre line and
    sigma (phase I); every point, later ones included, is judged against those limits
    (phase II). The default uses all points. ``exclude`` leaves baseline points with a known
    assignable cause out of the estimate; ``reestimate=True`` drops baseline points beyond the
    limits and estimates again until no baseline point is beyond them. Where the centre and
    sigma are known (a standard), pass ``target=`` and/or ``sigma=`` instead.

Every chart result holds per-point arrays ``statistic``, ``center``, ``lcl``, ``ucl`` and
``sigma`` (the standard deviation of the plotted statistic at that point), and ``signals``, a
dict from rule number to the 0-based indices of the points that break it. A negative lower
limit of a non-negative statistic is reported as 0.

References
----------
.. [1] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control*, 8th ed.
   Wiley. Chapters 6 (variables), 7 (attributes) and 9 (CUSUM and EWMA).
.. [2] NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3,
   https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc3.htm
.. [3] Nelson, L. S. (1984). The Shewhart control chart - tests for special causes.
   *Journal of Quality Technology* 16(4):237-239.
.. [4] Western Electric Company (1956). *Statistical Quality Control Handbook*.
.. [5] Anhøj, J. & Olesen, A. V. (2014). Run charts revisited: a simulation study of run
   chart rules for detection of non-random variation in health care processes.
   *PLoS ONE* 9(11): e113825.
"""

from .attributes import c_chart, np_chart, p_chart, u_chart
from .results import (
    ALL_RULES,
    IMR,
    NELSON_RULES,
    AnhoejResult,
    ChartResult,
    CusumResult,
    EwmaResult,
    XbarR,
    XbarS,
)
from .rules import anhoej, run_rules
from .small_shifts import cusum, ewma
from .variables import imr, xbar_r, xbar_s

__all__ = [
    "ALL_RULES",
    "NELSON_RULES",
    "AnhoejResult",
    "ChartResult",
    "CusumResult",
    "EwmaResult",
    "IMR",
    "XbarR",
    "XbarS",
    "anhoej",
    "c_chart",
    "cusum",
    "ewma",
    "imr",
    "np_chart",
    "p_chart",
    "run_rules",
    "u_chart",
    "xbar_r",
    "xbar_s",
]
