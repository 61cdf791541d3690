"""Stated accuracy holds at the edges of its domain, checked against exact fractions.

rolling_beta's docstring: every beta is within ``1e-13 s`` of the exact OLS beta of its
window, ``s = max|y - ȳ| / sigma_x`` over the window (ȳ the column's mean over the first
window, sigma_x the market's population standard deviation in the window).  Here the
data sit at levels from 1e-8 to 1e9, with and without gaps, with a trend, and with a
market that barely moves; each sampled window is compared with rational arithmetic.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import betaxl as bx
from betaxl.regression import fit_columns
from betaxl.rolling import rolling_columns

# ols_beta and rolling_beta refuse levels given as returns (betaxl.data.units): the
# numerics at any level are tested on the functions that compute them.


def fit_beta(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ols_beta's betas without its input checks (:func:`fit_columns`)."""
    y = y.reshape(len(x), -1)
    return fit_columns(y, x[:, None])["beta"]


def rolling(y: np.ndarray, x: np.ndarray, window: int, min_obs: int | None = None
            ) -> np.ndarray:
    """rolling_beta's betas without its input checks (:func:`rolling_columns`)."""
    y = y.reshape(len(x), -1)
    return rolling_columns(y, x, window, window if min_obs is None else min_obs)


def exact_beta(y: np.ndarray, x: np.ndarray) -> Fraction:
    """OLS slope of y on x with an intercept, in exact rational arithmetic."""
    keep = ~(np.isnan(y) | np.isnan(x))
    xs = [Fraction(float(v)) for v in x[keep]]
    ys = [Fraction(float(v)) for v in y[keep]]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return (sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
            / sum((a - mx) ** 2 for a in xs))


def check_windows(y: np.ndarray, x: np.ndarray, window: int, rows: range,
                  min_obs: int | None = None, columns: int | None = None) -> float:
    """Largest error in units of the stated bound 1e-13 s; asserts it is below 1."""
    got = rolling(y, x, window, min_obs)
    start = ~(np.isnan(y[:window]) | np.isnan(x[:window, None]))
    with np.errstate(invalid="ignore", divide="ignore"):  # an all-NaN column
        centre = np.where(start, y[:window], 0.0).sum(axis=0) / start.sum(axis=0)
    worst = 0.0
    for t in rows:
        win = slice(t - window + 1, t + 1)
        for j in range(y.shape[1] if columns is None else columns):
            yy, xx = y[win, j], x[win]
            keep = ~(np.isnan(yy) | np.isnan(xx))
            sigma_x = float(np.std(xx[keep]))
            s = float(np.nanmax(np.abs(yy - centre[j]))) / sigma_x
            err = abs(Fraction(float(got[t, j])) - exact_beta(yy, xx))
            worst = max(worst, float(err) / (1e-13 * s))
    assert worst <= 1.0, worst
    return worst


@pytest.mark.parametrize("level, spread", [(0.0, 1e-8), (0.0, 0.01), (1.0, 0.01),
                                           (1e3, 1.0), (1e7, 1.0), (1e9, 1.0),
                                           (1e9, 1e-3)])
@pytest.mark.parametrize("gaps", [False, True])
def test_rolling_beta_at_any_level(level: float, spread: float, gaps: bool) -> None:
    rng = np.random.default_rng(11)
    n, window = 240, 24
    noise_x = rng.normal(0, spread, n)
    x = level + noise_x
    y = level + np.column_stack([0.5 * noise_x, -1.2 * noise_x, 0 * noise_x]) \
        + rng.normal(0, spread, (n, 3))
    if gaps:
        y[rng.random(y.shape) < 0.05] = np.nan
    check_windows(y, x, window, range(window - 1, n, 17), min_obs=12 if gaps else None)


def test_rolling_beta_on_trending_levels() -> None:
    # random walks at 1e9: the local level drifts far from the series' mean
    rng = np.random.default_rng(12)
    n, window = 400, 40
    x = 1e9 + np.cumsum(rng.normal(0, 1.0, n))
    y = (1e9 + 0.8 * (x - 1e9) + np.cumsum(rng.normal(0, 0.5, n)))[:, None]
    check_windows(y, x, window, range(window - 1, n, 13))


def test_rolling_beta_when_the_market_barely_moves() -> None:
    # a market that sits still for stretches, then moves by 1e-9: refitted windows
    rng = np.random.default_rng(13)
    n, window = 200, 20
    x = np.full(n, 0.01)
    x[::7] += rng.normal(0, 1e-9, len(x[::7]))
    x[100:] += rng.normal(0, 0.01, 100)
    y = np.column_stack([2 * x + rng.normal(0, 1e-10, n), 0.01 + rng.normal(0, 0.01, n)])
    got = bx.rolling_beta(y, x, window).to_numpy()
    for t in range(window - 1, n, 9):
        xx = x[t - window + 1:t + 1]
        if np.ptp(xx) == 0:
            assert np.isnan(got[t]).all()
    check_windows(y, x, window, [t for t in range(window - 1, n, 9)
                                 if np.ptp(x[t - window + 1:t + 1]) > 0])  # type: ignore[arg-type]


def test_rolling_beta_large_sample_keeps_its_accuracy() -> None:
    # long series, wide panel: the block-local sums and the matrix-product running sums
    rng = np.random.default_rng(14)
    n, window = 5000, 252
    x = rng.normal(3e-4, 0.01, n)
    y = x[:, None] * rng.uniform(0.2, 1.8, 16) + rng.normal(0, 0.015, (n, 16))
    check_windows(y[:, :4], x, window, range(window - 1, n, 997))
    wide = bx.rolling_beta(y, x, window).to_numpy()
    narrow = bx.rolling_beta(y[:, :4], x, window).to_numpy()
    np.testing.assert_allclose(wide[:, :4], narrow, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("level", [1e-8, 1.0, 1e7, 1e9])
def test_ols_beta_exact_at_any_level(level: float) -> None:
    rng = np.random.default_rng(15)
    spread = min(1.0, level / 10)
    x = level + rng.normal(0, spread, 60)
    y = np.column_stack([level + 0.7 * (x - level) + rng.normal(0, spread, 60),
                         level + rng.normal(0, spread, 60)])
    beta = fit_beta(y, x)
    for j in range(2):
        exact = exact_beta(y[:, j], x)
        scale = float(np.std(y[:, j]) / np.std(x))
        assert abs(Fraction(float(beta[j])) - exact) <= 1e-13 * scale


def test_price_returns_keep_every_digit_at_1e9() -> None:
    # README: returns from price levels of 1e9 within 1e-12 relative
    rng = np.random.default_rng(16)
    prices = 1e9 + np.cumsum(rng.integers(-3, 4, 50)).astype(float) * 0.37
    got = bx.to_returns(prices).to_numpy()[:, 0]
    for t in range(1, 50):
        exact = (Fraction(prices[t]) - Fraction(prices[t - 1])) / Fraction(prices[t - 1])
        if exact:
            assert abs(float((Fraction(float(got[t - 1])) - exact) / exact)) <= 1e-12


def test_log_returns_keep_every_digit_of_small_returns() -> None:
    # to_returns(method="log"): log1p of the exact-difference simple return; mpmath at
    # 50 digits is the reference, for moves from 1e-12 to a fall of 99.9999%
    import mpmath

    mpmath.mp.dps = 50
    prices = np.array([100.0, 100.0 + 1e-10, 100.0 + 2e-10, 150.0, 100.0, 1e-4, 3e-4, 3e-4])
    got = bx.to_returns(prices, method="log").to_numpy()[:, 0]
    for t in range(1, len(prices)):
        exact = mpmath.log(mpmath.mpf(prices[t]) / mpmath.mpf(prices[t - 1]))
        if exact == 0:
            assert got[t - 1] == 0.0
        else:
            assert abs(float((mpmath.mpf(got[t - 1]) - exact) / exact)) <= 4e-16


def test_rolling_beta_for_an_asset_that_starts_late_at_a_level() -> None:
    # no value in the first window: centred on its first value instead, still exact
    rng = np.random.default_rng(17)
    n, window = 200, 20
    x = 1e9 + rng.normal(0, 1.0, n)
    y = np.column_stack([1e9 + 0.5 * (x - 1e9) + rng.normal(0, 1.0, n),
                         2e9 - 0.7 * (x - 1e9) + rng.normal(0, 1.0, n)])
    y[:90, 1] = np.nan
    got = rolling(y, x, window, min_obs=10)
    assert np.isnan(got[:99, 1]).all() and not np.isnan(got[99:, 1]).any()
    for t in range(99, n, 11):
        win = slice(t - window + 1, t + 1)
        exact = exact_beta(y[win, 1], x[win])
        assert abs(float((Fraction(float(got[t, 1])) - exact) / exact)) <= 1e-12


@pytest.mark.parametrize("spread", [1e-2, 1e-3, 1e-4])
@pytest.mark.parametrize("seed", range(6))
def test_ols_beta_at_level_1e9_against_exact_fractions(spread: float, seed: int) -> None:
    # corrected two-pass: the rounded means' leftovers must not cost beta its digits
    rng = np.random.default_rng(seed)
    d = rng.normal(0, spread, 64)
    x = 1e9 + d
    y = np.column_stack([1e9 + 1.5 * d + rng.normal(0, spread, 64),
                         3e8 + 0.2 * d + rng.normal(0, spread, 64)])
    y[rng.random(y.shape) < 0.1] = np.nan  # pairs dropped per column: the two-pass path
    beta = fit_beta(y, x)
    for j in range(2):
        keep = ~np.isnan(y[:, j])
        s = float(np.max(np.abs(y[keep, j] - y[keep, j].mean()))) / float(np.std(x[keep]))
        err = abs(Fraction(float(beta[j])) - exact_beta(y[:, j], x))
        assert float(err) <= 1e-13 * s, (j, float(err) / s)


def test_attackers_1e9_case_is_exact_to_the_last_digits() -> None:
    rng = np.random.default_rng(0)
    d = rng.normal(0, 1e-3, 64)
    x, y = 1e9 + d, 1e9 + 1.5 * d + rng.normal(0, 1e-3, 64)
    got = float(fit_beta(y, x)[0])
    assert abs(Fraction(got) - exact_beta(y, x)) <= 1e-13 * abs(exact_beta(y, x))


@pytest.mark.parametrize("other", ["empty", "flat", "short"])
def test_rolling_refits_are_decided_per_column(other: str, monkeypatch) -> None:
    # one column with nothing to fit (all NaN, constant, or too few pairs) must not send
    # the others' windows to a refit, nor spoil their accuracy
    rng = np.random.default_rng(5)
    n, window = 200, 50
    d = rng.normal(0, 1e-3, n)
    x = 1e9 + d
    y = np.column_stack([1e9 + 1.5 * d + rng.normal(0, 1e-3, n), np.full(n, np.nan)])
    if other == "flat":
        y[:, 1] = 7.0
    elif other == "short":
        y[::10, 1] = 1.0
    check_windows(y, x, window, range(window - 1, n, 7), min_obs=40, columns=1)
    import betaxl.rolling as reg  # where rolling_columns looks fit_columns up

    refits: list[int] = []
    fit = reg.fit_columns

    def counted(yy: np.ndarray, xx: np.ndarray) -> dict[str, np.ndarray]:
        refits.append(yy.shape[1])
        return fit(yy, xx)

    monkeypatch.setattr(reg, "fit_columns", counted)
    rolling(y[:, :1], x, window, min_obs=40)  # column 0 alone
    baseline = sum(refits)
    refits.clear()
    rolling(y, x, window, min_obs=40)  # with the other column: no more refits
    assert sum(refits) == baseline


@pytest.mark.parametrize("gaps", [False, True])
def test_a_large_value_in_the_next_block_does_not_spoil_a_quiet_window(gaps: bool) -> None:
    # window sums are block differences: a 0.5 next door costs digits in a window whose
    # market moves by 1e-5 (found by hypothesis: beta -6.9e-8 where the exact one is 0)
    y = np.zeros((12, 2))
    y[0] = 0.5
    y[:, 1] = np.r_[0.5, np.arange(11.0) * 1e-6]
    x = np.array([1e-5, 2e-5, 1.5e-5, 0.5, 0.0, 1e-5, 2e-5, 1.5e-5, 1e-5, 2e-5, 1.5e-5, 1e-5])
    if gaps:
        y[10, 1] = np.nan
        check_windows(y, x, 4, range(5, 12), min_obs=3)
    else:
        check_windows(y, x, 3, range(4, 12))


def test_the_api_gives_the_numbers_of_the_functions_tested_here() -> None:
    # the tests above call fit_columns and rolling_columns at levels the API refuses
    # as prices given as returns; on returns the API gives exactly their numbers
    rng = np.random.default_rng(18)
    x = rng.normal(0.01, 0.04, 120)
    y = np.column_stack([0.9 * x + rng.normal(0, 0.02, 120), rng.normal(0, 0.05, 120)])
    y[rng.random(y.shape) < 0.05] = np.nan
    np.testing.assert_array_equal(bx.ols_beta(y, x).beta.to_numpy(), fit_beta(y, x))
    np.testing.assert_array_equal(bx.rolling_beta(y, x, 24, min_obs=20).to_numpy(),
                                  rolling(y, x, 24, 20))
    level = 1e9 + np.cumsum(rng.normal(0, 1.0, 120))
    for call in (lambda: bx.ols_beta(level, x), lambda: bx.rolling_beta(level, x, 24)):
        with pytest.raises(bx.InputError, match=r"returns column .* does not look like "
                           r"returns \(its median size is 1e\+09"):
            call()
    for call in (lambda: bx.ols_beta(y, level), lambda: bx.rolling_beta(y, level, 24)):
        with pytest.raises(bx.InputError, match=r": market column 'market' does not look "
                           r"like returns"):
            call()
