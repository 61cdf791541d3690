"""rolling_beta's complete-data path adds in the order its docstrings state, whatever
the step it works in: checked against the same sums written as scalar loops.

The order fixes the bytes (README, accuracy: the same on every machine and BLAS
kernel); the vectorised code reorders only the loops, never the additions.  The
reference below is the documented recipe one number at a time: y centred on its
first-window means, x*y, running sums W within runs of ``size`` rows, the runs'
totals added one after the other within each block (offsets o, block totals T), and
each window's sums ``(W_b - W_{b-1}) + ((o_b - o_{b-1}) + T_{b-1})``, the beta
``S_y a + S_xy b``.
"""

from __future__ import annotations

import numpy as np
import pytest

import betaxl.rolling as rolling
from betaxl.rolling import rolling_columns


def reference(y: np.ndarray, x: np.ndarray, window: int) -> np.ndarray:
    """The betas of rows window-1..n-1, one addition at a time, in Python floats."""
    n, k = y.shape
    size = rolling._run_size(window)
    assert size, "a window with a divisor near 8"
    groups, blocks = window // size, -(-n // window)
    xc = x - x[:window].mean()
    mean = np.add.reduce(y[:window], axis=0) / window
    _, sx, raw_xx = rolling._market_sums(xc, window)
    sxx = raw_xx - sx * sx / window
    a, b = (-(sx / window) / sxx)[:, 0], (1.0 / sxx)[:, 0]
    rows = n - window + 1
    out = np.full((rows, k), np.nan)
    previous = None
    for blk in range(blocks):
        w = [[[0.0] * k for _ in range(window)] for _ in range(2)]  # W, y's and x*y's
        for i in range(window):
            t = blk * window + i
            for j in range(k):
                v = float(y[t, j] - mean[j]) if t < n else 0.0
                terms = (v, float(xc[t]) * v if t < n else 0.0)
                for h in (0, 1):
                    w[h][i][j] = terms[h] + w[h][i - 1][j] if i % size else terms[h]
        offset = [[[0.0] * k for _ in range(groups)] for _ in range(2)]
        total = [[0.0] * k for _ in range(2)]
        for h in (0, 1):
            for j in range(k):
                running = w[h][size - 1][j]
                for g in range(1, groups):
                    run_total = w[h][g * size + size - 1][j]
                    running = running + run_total
                    offset[h][g][j] = running - run_total
                offset[h][0][j] = w[h][size - 1][j] - w[h][size - 1][j]
                total[h][j] = running
        if blk == 0:
            last = window - 1
            for j in range(k):
                s = [w[h][last][j] + offset[h][groups - 1][j] for h in (0, 1)]
                out[0, j] = s[0] * a[0] + s[1] * b[0]
        else:
            pw, po, pt = previous
            for i in range(window):
                r = 1 + (blk - 1) * window + i
                if r >= rows:
                    break
                g = i // size
                for j in range(k):
                    s = [(w[h][i][j] - pw[h][i][j]) + ((offset[h][g][j] - po[h][g][j])
                                                        + pt[h][j]) for h in (0, 1)]
                    out[r, j] = s[0] * a[r] + s[1] * b[r]
        previous = (w, offset, total)
    return out


CASES = [  # (rows, columns, window): blocks that divide the rows or not, runs that end
    (96, 3, 24),  # inside a block, one block only, one column, windows of many sizes
    (101, 2, 24),
    (100, 4, 21),
    (60, 1, 8),
    (64, 3, 16),
    (36, 2, 36),
    (130, 9, 12),
    (75, 5, 10),
]


@pytest.mark.parametrize(("n", "k", "window"), CASES)
@pytest.mark.parametrize("step", [1, 1 << 16, 1 << 30])
def test_complete_path_adds_in_the_stated_order(n: int, k: int, window: int, step: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(n * 1000 + k * 10 + window)
    x = rng.normal(3e-4, 0.01, n)
    y = x[:, None] * rng.uniform(0.2, 1.8, k) + rng.normal(0, 0.015, (n, k))
    monkeypatch.setattr(rolling, "_STEP_CELLS", step)  # one block a step .. all at once
    got = rolling_columns(y, x, window, window)[window - 1:]
    want = reference(y, x, window)
    assert got.tobytes() == want.tobytes()


def test_the_step_does_not_change_a_large_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,521 x 60, window 252: every step size gives the same bytes (a last block the
    data fill in part, a last run the data fill in part), levels at 1e9 included."""
    rng = np.random.default_rng(20)
    x = rng.normal(3e-4, 0.01, 2521)
    y = x[:, None] * rng.uniform(0.2, 1.8, 60) + rng.normal(0, 0.015, (2521, 60))
    seen = set()
    for step in (1, 12_600, 1 << 16, 1 << 30):
        monkeypatch.setattr(rolling, "_STEP_CELLS", step)
        seen.add((rolling_columns(y, x, 252, 252).tobytes(),
                  rolling_columns(1e9 + y, 1e9 + x, 252, 252).tobytes()))
    assert len(seen) == 1
