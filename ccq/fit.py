"""Empirical scaling against theory: power-law fits with confidence intervals, minimal budgets.

Every scaling claim in ccq is checked the same way: measure the smallest budget that reaches an
error target (:func:`minimal_budget`), then fit ``budget = c * x^a`` in log-log coordinates
(:func:`fit_power_law`) or against the bound itself (:func:`fit_to_bound`, where ``a`` close to 1
means "matches the bound up to a factor c"). The intervals are Student-t intervals of ordinary
least squares in log space, so they widen honestly when there are few points.

Examples:
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 4.0, 8.0])
    >>> fit = fit_power_law(x, 3 * x**-2)
    >>> round(fit.exponent, 6), round(fit.prefactor, 6)
    (-2.0, 3.0)
    >>> minimal_budget(lambda b: 1 / b, delta=0.01)
    100
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
from scipy import stats

__all__ = ["PowerLawFit", "fit_power_law", "fit_to_bound", "minimal_budget"]


@dataclasses.dataclass(frozen=True)
class PowerLawFit:
    """``y = prefactor * x ** exponent``, fitted by least squares in log-log coordinates.

    Attributes:
        exponent, exponent_ci: slope in log-log and its two-sided confidence interval.
        prefactor, prefactor_ci: constant factor and its interval (from the intercept's).
        n: number of points used.
        level: confidence level of the intervals.
    """

    exponent: float
    exponent_ci: tuple[float, float]
    prefactor: float
    prefactor_ci: tuple[float, float]
    n: int
    level: float

    def contains_exponent(self, value: float) -> bool:
        """Whether ``value`` lies inside the exponent's confidence interval."""
        lo, hi = self.exponent_ci
        return lo <= value <= hi

    def __str__(self) -> str:
        lo, hi = self.exponent_ci
        return f"{self.exponent:.3f} [{lo:.3f}, {hi:.3f}] (c = {self.prefactor:.3g}, n = {self.n})"


def _positive_finite(name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)][:3]} among them")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 for a log-log fit, got {arr[arr <= 0][:3]}")
    return arr


def fit_power_law(x, y, level: float = 0.95) -> PowerLawFit:
    """Fit ``y = c * x^a`` by ordinary least squares on ``log y = log c + a log x``.

    Args:
        x, y: positive, finite arrays of the same length (at least 2 points; 3 or more for an
            interval of finite width). For "y ~ log P" scaling pass ``x = log2(P)``.
        level: confidence level of the Student-t intervals, in (0, 1).

    Returns:
        :class:`PowerLawFit`. With exactly two points the intervals are ``(nan, nan)``.

    Raises:
        ValueError: on non-positive or non-finite values, length mismatch, fewer than 2 points
            or all ``x`` equal.

    Examples:
        >>> fit = fit_power_law([1, 10, 100], [2, 20, 200])
        >>> round(fit.exponent, 9)
        1.0
    """
    lx, ly = np.log(_positive_finite("x", x)), np.log(_positive_finite("y", y))
    if lx.shape != ly.shape:
        raise ValueError(f"x and y must have the same length, got {lx.size} and {ly.size}")
    if lx.size < 2:
        raise ValueError(f"a power-law fit needs at least 2 points, got {lx.size}")
    if np.ptp(lx) == 0:
        raise ValueError("a power-law fit needs at least two distinct x values")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    n = lx.size
    slope, intercept = np.polyfit(lx, ly, 1)
    if n > 2:
        resid = ly - (slope * lx + intercept)
        s2 = float(resid @ resid) / (n - 2)
        sxx = float(((lx - lx.mean()) ** 2).sum())
        se_slope = math.sqrt(s2 / sxx)
        se_intercept = math.sqrt(s2 * (1 / n + lx.mean() ** 2 / sxx))
        t = float(stats.t.ppf(0.5 + level / 2, n - 2))
        a_ci = (slope - t * se_slope, slope + t * se_slope)
        c_ci = (math.exp(intercept - t * se_intercept), math.exp(intercept + t * se_intercept))
    else:
        a_ci = c_ci = (math.nan, math.nan)
    return PowerLawFit(float(slope), tuple(map(float, a_ci)), math.exp(intercept),
                       tuple(map(float, c_ci)), n, level)


def fit_to_bound(measured, bound_values, level: float = 0.95) -> PowerLawFit:
    """Fit ``measured = c * bound^a``: an exponent near 1 means the bound's shape is right.

    Examples:
        >>> fit = fit_to_bound([4, 8, 16], [1, 2, 4])
        >>> round(fit.exponent, 9), round(fit.prefactor, 9)
        (1.0, 4.0)
    """
    return fit_power_law(bound_values, measured, level)


def minimal_budget(error_of: Callable[[int], float], delta: float, lo: int = 1,
                   hi: int = 2**40) -> int:
    """Smallest integer budget ``b`` in ``[lo, hi]`` with ``error_of(b) <= delta``.

    Doubles from ``lo`` until the target is met, then bisects; ``error_of`` is assumed
    non-increasing in the budget (exact error probabilities are; for estimated errors, use enough
    trials that the estimate is monotone in practice). About ``2 log2(answer)`` evaluations.

    Raises:
        ValueError: if ``lo > hi`` or if even ``hi`` does not reach ``delta``.

    Examples:
        >>> minimal_budget(lambda b: 0.5 ** b, delta=1e-3)
        10
    """
    if not (isinstance(lo, int) and isinstance(hi, int)) or not 1 <= lo <= hi:
        raise ValueError(f"need integers 1 <= lo <= hi, got lo={lo!r}, hi={hi!r}")
    if not 0 <= delta < 1 or not math.isfinite(delta):
        raise ValueError(f"delta must be in [0, 1), got {delta}")
    if error_of(lo) <= delta:
        return lo
    good = lo
    while True:  # find a budget that works, doubling
        bad, good = good, min(2 * good, hi)
        if error_of(good) <= delta:
            break
        if good == hi:
            raise ValueError(f"error {error_of(hi):.3g} > delta = {delta} even at budget {hi}")
    while good - bad > 1:  # invariant: error_of(bad) > delta >= error_of(good)
        mid = (bad + good) // 2
        if error_of(mid) <= delta:
            good = mid
        else:
            bad = mid
    return good
