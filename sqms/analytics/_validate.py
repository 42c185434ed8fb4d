"""Input checks shared by the analytics modules.

Every public function converts its inputs with these helpers so that bad input
raises :class:`ValueError` with a message naming the argument and the problem,
never an ``assert`` and never a silent NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


def vector(
    values: npt.ArrayLike, name: str, *, min_size: int = 1, allow_nan: bool = False
) -> FloatArray:
    """Return ``values`` as a 1-D float array, or raise ValueError naming ``name``."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        if arr.size == 0:
            raise ValueError(f"{name} is empty")
        raise ValueError(f"{name} needs at least {min_size} values, got {arr.size}")
    check_finite(arr, name, allow_nan=allow_nan)
    return arr


def matrix(
    values: npt.ArrayLike, name: str, *, min_rows: int = 1, min_cols: int = 1, allow_nan: bool
) -> FloatArray:
    """Return ``values`` as a 2-D float array (rows x columns)."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a rectangular table of numbers: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be two-dimensional (rows x columns), got shape {arr.shape}")
    if arr.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows, got {arr.shape[0]}")
    if arr.shape[1] < min_cols:
        raise ValueError(f"{name} needs at least {min_cols} columns, got {arr.shape[1]}")
    check_finite(arr, name, allow_nan=allow_nan)
    return arr


def check_finite(arr: npt.NDArray[Any], name: str, *, allow_nan: bool = False) -> None:
    """Raise ValueError if ``arr`` holds an infinity, or a NaN unless allowed."""
    bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        loc = where[0] if len(where) == 1 else where
        kind = "an infinite value" if np.isinf(arr[where]) else "NaN"
        raise ValueError(f"{name} contains {kind} at index {loc}")


def check_scale(arr: FloatArray, name: str, scale: tuple[float, float]) -> None:
    """Raise ValueError if a (non-NaN) value of ``arr`` lies outside ``scale``."""
    lo, hi = scale
    if not lo < hi:
        raise ValueError(f"scale must be (low, high) with low < high, got {scale}")
    outside = (arr < lo) | (arr > hi)
    if outside.any():
        where = tuple(int(i) for i in np.argwhere(outside)[0])
        loc = where[0] if len(where) == 1 else where
        raise ValueError(
            f"{name} has {arr[where]:g} at index {loc}, outside the declared scale {lo:g}..{hi:g}"
        )


def check_confidence(confidence: float, name: str = "confidence") -> float:
    """Return ``confidence`` as a float in (0, 1), or raise ValueError."""
    c = float(confidence)
    if not 0.0 < c < 1.0 or math.isnan(c):
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {confidence!r}")
    return c


def positive(value: float, name: str) -> float:
    """Return ``value`` as a finite float > 0, or raise ValueError."""
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def count(value: int | float, name: str, *, minimum: int = 0) -> int:
    """Return ``value`` as an int >= minimum; floats must be whole numbers."""
    v = float(value)
    if not math.isfinite(v) or v != int(v):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if v < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(v)


def whole(arr: FloatArray, name: str) -> None:
    """Raise ValueError unless every value of ``arr`` is a non-negative whole number."""
    neg = arr < 0
    if neg.any():
        i = int(np.argmax(neg))
        raise ValueError(f"{name} must not be negative, got {arr[i]:g} at index {i}")
    frac = arr != np.floor(arr)
    if frac.any():
        i = int(np.argmax(frac))
        raise ValueError(f"{name} must be whole numbers (counts), got {arr[i]:g} at index {i}")
