r"""Queueing for service capacity: Erlang B, Erlang C, M/M/c measures and staffing.

Traffic :math:`A = \lambda/\mu` (Erlangs) is offered to :math:`c` servers (agents, counters,
lines). Erlang B is the blocking probability when callers who find all servers busy are lost;
Erlang C the probability of waiting when they queue (M/M/c, first come first served, no
abandonment).

Numerics: Erlang B is computed with the recursion
:math:`B(A, 0) = 1,\; B(A, k) = A B(A, k-1)/(k + A B(A, k-1))`, which never overflows and is
exact to rounding for thousands of servers; Erlang C follows as
:math:`C = cB/(c - A(1 - B))`. The vectorised staffing search (:func:`staffing_profile`)
evaluates :math:`B` through the identity :math:`B(A, c) = \Pr[X = c]/\Pr[X \le c]` with
:math:`X \sim \mathrm{Poisson}(A)`, in logarithms.

References
----------
.. [1] Erlang, A. K. (1917). Solution of some problems in the theory of probabilities of
   significance in automatic telephone exchanges. *Elektroteknikeren* 13.
.. [2] Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008). *Fundamentals of
   Queueing Theory*, 4th ed., Wiley, section 2.3 (M/M/c).
.. [3] Gans, N., Koole, G. & Mandelbaum, A. (2003). Telephone call centers: tutorial, review,
   and research prospects. *Manufacturing & Service Operations Management* 5(2):79-141
   (service level :math:`1 - C e^{-(c\mu-\lambda)t}`, square-root staffing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special  # type: ignore[import-untyped, unused-ignore]

from ._validate import FloatArray, IntArray, count, positive, vector

__all__ = [
    "MMcResult",
    "StaffingProfile",
    "StaffingResult",
    "erlang_b",
    "erlang_c",
    "max_traffic",
    "max_traffic_c",
    "mmc",
    "p_empty",
    "staff_for",
    "staffing_profile",
]


def _traffic(traffic: float) -> float:
    a = float(traffic)
    if not math.isfinite(a) or a < 0:
        raise ValueError(f"traffic must be a finite number of Erlangs >= 0, got {traffic!r}")
    return a


def _b_recursion(a: float, servers: int, start: float = 1.0, first: int = 1) -> float:
    b = start
    for k in range(first, servers + 1):
        b = a * b / (k + a * b)
    return b


def erlang_b(traffic: float, servers: int) -> float:
    r"""Erlang B blocking probability of ``traffic`` Erlangs offered to ``servers`` lines.

    Parameters
    ----------
    traffic : float
        Offered load :math:`A` in Erlangs (arrival rate x mean holding time), >= 0.
    servers : int
        Number of servers :math:`c` >= 0.

    Returns
    -------
    float
        The blocking probability.

    Notes
    -----
    .. math:: B(A, c) = \frac{A^c/c!}{\sum_{k=0}^{c} A^k/k!}

    evaluated by the recursion :math:`B_k = A B_{k-1}/(k + A B_{k-1})`, :math:`B_0 = 1`.

    Examples
    --------
    >>> round(erlang_b(4.461, 10), 4)  # the 1 % column of an Erlang B table
    0.01
    """
    return _b_recursion(_traffic(traffic), count(servers, "servers"))


def erlang_c(traffic: float, servers: int) -> float:
    r"""Erlang C: probability that an arrival waits, M/M/c with ``traffic`` < ``servers``.

    Parameters
    ----------
    traffic : float
        Offered load :math:`A` in Erlangs, >= 0.
    servers : int
        Number of servers :math:`c` >= 1, with :math:`A < c` (otherwise the queue grows
        without bound and ValueError is raised).

    Returns
    -------
    float
        .. math:: C(A, c) = \frac{\frac{A^c}{c!}\frac{c}{c-A}}{\sum_{k=0}^{c-1}\frac{A^k}{k!}
           + \frac{A^c}{c!}\frac{c}{c-A}} = \frac{c\,B(A,c)}{c - A(1 - B(A,c))}

    Examples
    --------
    >>> round(erlang_c(10.0, 13), 4)
    0.2853
    """
    a = _traffic(traffic)
    c = count(servers, "servers", minimum=1)
    if a >= c:
        raise ValueError(
            f"traffic ({a:g} Erlangs) must be below the number of servers ({c}); "
            "otherwise the queue grows without bound"
        )
    b = _b_recursion(a, c)
    return c * b / (c - a * (1.0 - b))


def p_empty(traffic: float, servers: int) -> float:
    r"""Probability that an M/M/c system holds nobody (:math:`P_0`), ``traffic`` < ``servers``.

    Parameters
    ----------
    traffic : float
        Offered load :math:`A` in Erlangs, >= 0.
    servers : int
        Number of servers :math:`c` >= 1, with :math:`A < c`.

    Returns
    -------
    float
        .. math:: P_0 = \Bigl[\sum_{k=0}^{c-1}\frac{A^k}{k!}
           + \frac{A^c}{c!}\,\frac{1}{1-\rho}\Bigr]^{-1}, \quad \rho = A/c

    Notes
    -----
    With :math:`S = \sum_{k=0}^{c} A^k/k! = e^A \Pr[X \le c]`, :math:`X \sim`
    Poisson(:math:`A`), and Erlang B :math:`B = (A^c/c!)/S`, the bracket equals
    :math:`S\,(1 + B\rho/(1-\rho))`; it is evaluated in logarithms, so it neither overflows
    nor underflows for thousands of servers (Gross et al. 2008, eq. 2.29).

    Examples
    --------
    >>> p_empty(2 / 3, 2)  # two servers, lambda = 2/h, mu = 3/h: P0 = 1/2
    0.5
    """
    a = _traffic(traffic)
    c = count(servers, "servers", minimum=1)
    if a >= c:
        raise ValueError(
            f"traffic ({a:g} Erlangs) must be below the number of servers ({c}); "
            "otherwise the queue grows without bound"
        )
    if a == 0.0:
        return 1.0
    rho = a / c
    b = _b_recursion(a, c)
    log_cdf = math.log(float(special.pdtr(c, a)))
    return math.exp(-a - log_cdf - math.log1p(b * rho / (1.0 - rho)))


@dataclass(frozen=True, slots=True)
class MMcResult:
    """Steady-state measures of an M/M/c queue.

    Attributes
    ----------
    arrival_rate, service_rate : float
        :math:`\\lambda` and :math:`\\mu` (per the same time unit).
    servers : int
        :math:`c`.
    traffic : float
        Offered load :math:`A = \\lambda/\\mu` in Erlangs.
    occupancy : float
        Server utilisation :math:`\\rho = A/c`.
    p_wait : float
        Erlang C, the probability an arrival has to wait.
    wq : float
        Mean wait in queue (ASA), :math:`C/(c\\mu - \\lambda)`.
    lq : float
        Mean number waiting, :math:`\\lambda W_q`.
    w : float
        Mean time in system, :math:`W_q + 1/\\mu`.
    l : float
        Mean number in system, :math:`\\lambda W`.
    p0 : float
        Probability that the system is empty (:func:`p_empty`).
    """

    arrival_rate: float
    service_rate: float
    servers: int
    traffic: float
    occupancy: float
    p_wait: float
    wq: float
    lq: float
    w: float
    l: float  # noqa: E741 - the standard queueing symbol
    p0: float

    @property
    def asa(self) -> float:
        """Average speed of answer, the same as ``wq``."""
        return self.wq

    def service_level(self, t: float) -> float:
        """Share of arrivals that wait at most ``t`` time units.

        :math:`1 - C\\,e^{-(c\\mu - \\lambda)t}`.
        """
        tt = float(t)
        if not math.isfinite(tt) or tt < 0:
            raise ValueError(f"t must be a finite time >= 0, got {t!r}")
        rate = self.servers * self.service_rate - self.arrival_rate
        return 1.0 - self.p_wait * math.exp(-rate * tt)


def mmc(arrival_rate: float, service_rate: float, servers: int) -> MMcResult:
    r"""Steady-state measures of the M/M/c queue (Erlang C model).

    Parameters
    ----------
    arrival_rate : float
        :math:`\lambda` > 0 (e.g. calls per second).
    service_rate : float
        :math:`\mu` > 0 per server (1 / mean handling time, same time unit).
    servers : int
        :math:`c`, with :math:`\lambda < c\mu`.

    Returns
    -------
    MMcResult

    Notes
    -----
    .. math::
        W_q = \frac{C(A,c)}{c\mu - \lambda}, \quad L_q = \lambda W_q, \quad
        W = W_q + \frac1\mu, \quad L = \lambda W, \quad
        \Pr[\text{wait} \le t] = 1 - C(A,c)\,e^{-(c\mu-\lambda)t}

    (Gross et al. 2008, section 2.3.)

    Examples
    --------
    100 calls per 30 minutes, 3-minute handling time, 13 agents (time unit: seconds):

    >>> q = mmc(100 / 1800, 1 / 180, 13)
    >>> round(q.p_wait, 4), round(q.asa, 1), round(q.service_level(20), 3)
    (0.2853, 17.1, 0.796)
    """
    lam = positive(arrival_rate, "arrival_rate")
    mu = positive(service_rate, "service_rate")
    c = count(servers, "servers", minimum=1)
    a = lam / mu
    pw = erlang_c(a, c)
    wq = pw / (c * mu - lam)
    w = wq + 1.0 / mu
    return MMcResult(lam, mu, c, a, a / c, pw, wq, lam * wq, w, lam * w, p_empty(a, c))


@dataclass(frozen=True, slots=True)
class StaffingResult:
    """Fewest servers meeting every target, and the servers to roster.

    Attributes
    ----------
    servers : int
        Fewest servers on duty that meet every given target.
    rostered : int
        Servers to schedule so that ``servers`` remain after shrinkage,
        :math:`\\lceil c/(1 - s)\\rceil`.
    traffic : float
        Offered load in Erlangs.
    p_wait : float
        Erlang C at ``servers``.
    service_level : float or None
        Share answered within ``within`` at ``servers`` (when a service-level target is set).
    asa : float
        Mean wait at ``servers``.
    occupancy : float
        Utilisation at ``servers``.
    """

    servers: int
    rostered: int
    traffic: float
    p_wait: float
    service_level: float | None
    asa: float
    occupancy: float


def _targets(
    target_level: float | None,
    within: float | None,
    max_wait_probability: float | None,
    max_occupancy: float | None,
    shrinkage: float,
) -> tuple[float | None, float, float | None, float | None, float]:
    if (target_level is None) != (within is None):
        raise ValueError("target_level and within go together (e.g. 0.8 within 20 seconds)")
    if target_level is not None and not 0.0 < float(target_level) < 1.0:
        raise ValueError(f"target_level must be between 0 and 1, got {target_level!r}")
    t = 0.0
    if within is not None:
        t = float(within)
        if not math.isfinite(t) or t < 0:
            raise ValueError(f"within must be a finite time >= 0, got {within!r}")
    if max_wait_probability is not None and not 0.0 < float(max_wait_probability) <= 1.0:
        raise ValueError(f"max_wait_probability must be in (0, 1], got {max_wait_probability!r}")
    if max_occupancy is not None and not 0.0 < float(max_occupancy) < 1.0:
        raise ValueError(f"max_occupancy must be between 0 and 1, got {max_occupancy!r}")
    s = float(shrinkage)
    if not 0.0 <= s < 1.0:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")
    tl = None if target_level is None else float(target_level)
    mw = None if max_wait_probability is None else float(max_wait_probability)
    mo = None if max_occupancy is None else float(max_occupancy)
    return tl, t, mw, mo, s


def _rostered(servers: int, shrinkage: float) -> int:
    # Tolerate rounding such as 10 / (1 - 0.3) = 14.285..., but never under-roster.
    return math.ceil(servers / (1.0 - shrinkage) - 1e-9)


def staff_for(
    arrival_rate: float,
    service_rate: float,
    target_level: float | None = None,
    within: float | None = None,
    max_wait_probability: float | None = None,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    r"""Fewest servers that meet every given target (Erlang C), and the roster after shrinkage.

    Parameters
    ----------
    arrival_rate, service_rate : float
        :math:`\lambda` and :math:`\mu` in the same time unit.
    target_level, within : float, optional
        Service-level target: at least ``target_level`` of arrivals wait at most ``within``
        time units (e.g. 0.8 within 20 seconds). Give both or neither.
    max_wait_probability : float, optional
        Upper bound on Erlang C.
    max_occupancy : float, optional
        Upper bound on utilisation :math:`A/c`.
    shrinkage : float
        Share of paid time not available for service (breaks, training, absence), [0, 1).

    Returns
    -------
    StaffingResult

    Notes
    -----
    The search starts at :math:`\lfloor A \rfloor + 1` and steps up one server at a time,
    updating Erlang B by its recursion, so each step costs O(1). With no target the result
    is the smallest stable staffing.

    Examples
    --------
    100 calls per half hour, 180 s handling time, 80 % answered within 20 s, 30 % shrinkage:

    >>> r = staff_for(100 / 1800, 1 / 180, target_level=0.8, within=20, shrinkage=0.3)
    >>> r.servers, r.rostered, round(r.service_level, 3)
    (14, 20, 0.888)
    """
    lam = positive(arrival_rate, "arrival_rate")
    mu = positive(service_rate, "service_rate")
    tl, t, mw, mo, s = _targets(
        target_level, within, max_wait_probability, max_occupancy, shrinkage
    )
    a = lam / mu
    c = math.floor(a) + 1
    b = _b_recursion(a, c)
    while True:
        pw = c * b / (c - a * (1.0 - b))
        sl = 1.0 - pw * math.exp(-(c * mu - lam) * t) if tl is not None else None
        ok = (
            (tl is None or (sl is not None and sl >= tl))
            and (mw is None or pw <= mw)
            and (mo is None or a / c <= mo)
        )
        if ok:
            return StaffingResult(
                servers=c,
                rostered=_rostered(c, s),
                traffic=a,
                p_wait=pw,
                service_level=sl,
                asa=pw / (c * mu - lam),
                occupancy=a / c,
            )
        c += 1
        b = a * b / (c + a * b)


def max_traffic(servers: int, blocking: float) -> float:
    r"""Most traffic ``servers`` lines carry at a given Erlang B blocking (inverse Erlang B).

    Parameters
    ----------
    servers : int
        Number of lines, >= 1.
    blocking : float
        Target blocking probability, in (0, 1).

    Returns
    -------
    float
        The offered load :math:`A` in Erlangs.

    Notes
    -----
    Solves :math:`B(A, c) = \text{blocking}` by Brent's method; :math:`B` increases strictly
    in :math:`A`, so the root is unique.

    .. math:: A^* = B^{-1}(\,\cdot\,, c)(\text{blocking})

    Examples
    --------
    >>> round(max_traffic(10, 0.01), 3)  # Erlang B table, 10 lines at 1 %
    4.461
    """
    c = count(servers, "servers", minimum=1)
    p = float(blocking)
    if not 0.0 < p < 1.0:
        raise ValueError(f"blocking must be between 0 and 1, got {blocking!r}")
    hi = max(2.0 * c, 10.0)
    while _b_recursion(hi, c) < p:
        hi *= 2.0
    root = optimize.brentq(lambda a: _b_recursion(a, c) - p, 0.0, hi, xtol=1e-12, rtol=1e-14)
    return float(root)


@dataclass(frozen=True, slots=True, eq=False)
class StaffingProfile:
    """Staffing for a sequence of intervals (a day or a week).

    Attributes
    ----------
    traffic : ndarray
        Offered load per interval (Erlangs).
    servers : ndarray of int
        Fewest servers on duty meeting every target, per interval (0 with no arrivals).
    rostered : ndarray of int
        Servers to schedule after shrinkage.
    p_wait : ndarray
        Erlang C at ``servers`` (0 with no arrivals).
    service_level : ndarray or None
        Share answered within ``within`` (1 with no arrivals), when a target is set.
    asa : ndarray
        Mean wait at ``servers``.
    occupancy : ndarray
        Utilisation at ``servers``.
    """

    traffic: FloatArray
    servers: IntArray
    rostered: IntArray
    p_wait: FloatArray
    service_level: FloatArray | None
    asa: FloatArray
    occupancy: FloatArray


def _log_erlang_b(a: FloatArray, c: FloatArray) -> FloatArray:
    """log B(A, c) = log P[X = c] - log P[X <= c], X ~ Poisson(A), elementwise."""
    log_pmf = special.xlogy(c, a) - a - special.gammaln(c + 1.0)
    log_cdf = np.log(special.pdtr(c, a))
    return np.asarray(log_pmf - log_cdf, dtype=np.float64)


def staffing_profile(
    arrivals_per_interval: npt.ArrayLike,
    interval: float,
    service_time: float,
    target_level: float | None = None,
    within: float | None = None,
    max_wait_probability: float | None = None,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingProfile:
    r"""Erlang C staffing for many intervals at once (vectorised :func:`staff_for`).

    Parameters
    ----------
    arrivals_per_interval : array_like
        Forecast arrivals in each interval (e.g. 672 values for a week of 15 minutes).
    interval : float
        Interval length (e.g. 900 seconds).
    service_time : float
        Mean handling time, in the same unit as ``interval`` and ``within``.
    target_level, within, max_wait_probability, max_occupancy, shrinkage
        As for :func:`staff_for`.

    Returns
    -------
    StaffingProfile

    Notes
    -----
    Each interval is treated as a stationary M/M/c queue with
    :math:`\lambda = \text{arrivals}/\text{interval}`. Candidate staffing levels
    :math:`\lfloor A\rfloor + 1 + j` are evaluated for all intervals together (Erlang B from
    the Poisson identity in logarithms), widening the window until every interval is staffed.

    Examples
    --------
    >>> p = staffing_profile([100, 200, 0], interval=1800, service_time=180,
    ...                      target_level=0.8, within=20)
    >>> p.servers.tolist()
    [14, 24, 0]
    """
    arrivals = vector(arrivals_per_interval, "arrivals_per_interval")
    if (arrivals < 0).any():
        i = int(np.argmax(arrivals < 0))
        raise ValueError(f"arrivals_per_interval must not be negative (index {i})")
    length = positive(interval, "interval")
    h = positive(service_time, "service_time")
    tl, t, mw, mo, s = _targets(
        target_level, within, max_wait_probability, max_occupancy, shrinkage
    )
    lam = arrivals / length
    mu = 1.0 / h
    a = lam * h
    n = a.size
    busy = a > 0
    servers = np.zeros(n, dtype=np.intp)
    pw_out = np.zeros(n)
    sl_out = np.ones(n)
    todo = np.flatnonzero(busy)
    base = np.floor(a) + 1.0
    start = np.zeros(n)
    width = 16
    while todo.size:
        aa = a[todo, None]
        cc = base[todo, None] + start[todo, None] + np.arange(width)[None, :]
        b = np.exp(_log_erlang_b(np.broadcast_to(aa, cc.shape), cc))
        pw = cc * b / (cc - aa * (1.0 - b))
        ok = np.ones(cc.shape, dtype=bool)
        sl = None
        if tl is not None:
            sl = 1.0 - pw * np.exp(-(cc * mu - lam[todo, None]) * t)
            ok &= sl >= tl
        if mw is not None:
            ok &= pw <= mw
        if mo is not None:
            ok &= aa / cc <= mo
        found = ok.any(axis=1)
        first = np.argmax(ok, axis=1)
        rows = np.flatnonzero(found)
        idx = todo[rows]
        servers[idx] = cc[rows, first[rows]].astype(np.intp)
        pw_out[idx] = pw[rows, first[rows]]
        if sl is not None:
            sl_out[idx] = sl[rows, first[rows]]
        start[todo[~found]] += width
        todo = todo[~found]
        width *= 2
    safe = np.maximum(servers, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = np.where(busy, pw_out / (safe * mu - lam), 0.0)
        occ = np.where(busy, a / safe, 0.0)
    rostered = np.ceil(servers / (1.0 - s) - 1e-9).astype(np.intp)
    return StaffingProfile(
        traffic=a,
        servers=servers,
        rostered=rostered,
        p_wait=pw_out,
        service_level=sl_out if tl is not None else None,
        asa=asa,
        occupancy=occ,
    )


def max_traffic_c(
    servers: int,
    *,
    max_wait_probability: float | None = None,
    target_level: float | None = None,
    within: float | None = None,
    service_time: float | None = None,
    tolerance: float = 1e-10,
) -> float:
    r"""Most traffic ``servers`` agents carry under an Erlang C target (inverse Erlang C).

    The Erlang C counterpart of :func:`max_traffic`: give either a waiting-probability target
    (``max_wait_probability``: :math:`C(A, c) \le p`) or a service-level target
    (``target_level`` answered within ``within``, given the mean handling time
    ``service_time`` in the same unit as ``within``: :math:`1 - C(A,c)\,e^{-(c-A)t/h} \ge y`),
    or both (the tighter one binds).

    Parameters
    ----------
    servers : int
        Number of agents :math:`c` >= 1.
    max_wait_probability : float, optional
        Upper bound on the probability of waiting, in (0, 1).
    target_level, within, service_time : float, optional
        Service-level target (e.g. 0.8 within 20 s, handling time 180 s); all three together.
    tolerance : float
        Absolute tolerance on the returned traffic, in Erlangs.

    Returns
    -------
    float
        The largest offered load :math:`A^* \in [0, c)` in Erlangs meeting every target, to
        within ``tolerance``, rounded down (the returned load meets the target).

    Notes
    -----
    :math:`C(A, c)` increases strictly in :math:`A` on :math:`[0, c)` from 0 to 1, and the
    service level decreases strictly from 1 to 0, so each target has one root, bracketed by
    :math:`[0, c)`; Brent's method finds it. Arrival rate = :math:`A^*/h`.

    Examples
    --------
    >>> round(max_traffic_c(2, max_wait_probability=1 / 6), 6)  # M/M/2: C = A^2/(2 + A)
    0.666667
    >>> round(max_traffic_c(14, target_level=0.8, within=20, service_time=180), 2)
    10.87
    """
    c = count(servers, "servers", minimum=1)
    tol = positive(tolerance, "tolerance")
    targets: list[tuple[str, float]] = []
    if max_wait_probability is not None:
        p = float(max_wait_probability)
        if not 0.0 < p < 1.0:
            raise ValueError(
                f"max_wait_probability must be between 0 and 1, got {max_wait_probability!r}"
            )
        targets.append(("wait", p))
    given = [v is not None for v in (target_level, within, service_time)]
    if any(given) and not all(given):
        raise ValueError("target_level, within and service_time go together")
    t = h = 0.0
    if all(given):
        assert target_level is not None and within is not None and service_time is not None
        y = float(target_level)
        if not 0.0 < y < 1.0:
            raise ValueError(f"target_level must be between 0 and 1, got {target_level!r}")
        t = float(within)
        if not math.isfinite(t) or t < 0:
            raise ValueError(f"within must be a finite time >= 0, got {within!r}")
        h = positive(service_time, "service_time")
        targets.append(("level", y))
    if not targets:
        raise ValueError("give max_wait_probability or target_level with within and service_time")

    def slack(a: float, kind: str, goal: float) -> float:
        """> 0 while the target is met at load ``a``, decreasing in ``a``."""
        b = _b_recursion(a, c)
        pw = c * b / (c - a * (1.0 - b))
        if kind == "wait":
            return goal - pw
        return (1.0 - pw * math.exp(-(c - a) * t / h)) - goal

    hi = c * (1.0 - 1e-12)
    best = hi
    for kind, goal in targets:
        if slack(hi, kind, goal) >= 0:  # met all the way to saturation (within rounding)
            continue
        root = optimize.brentq(slack, 0.0, hi, args=(kind, goal), xtol=tol / 4, rtol=1e-15)
        a = float(root)
        while a > 0 and slack(a, kind, goal) < 0:  # land on the feasible side
            a = max(0.0, a - tol / 4)
        best = min(best, a)
    return best
