"""The report and betaxl.plot after the second attack on issue 21: labels kept distinct,
the reconciliation's own-sample counts and betas, schedule dates the data do not cover,
options that need --weights, refusals naming the plot function, growth's start date."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl.plot as bp
from betaxl.cli import main

# three names sharing their first 14 and last 13 characters: one shortened label before
MIDDLE = [f"Global Sustain{m} Fund Class A" for m in
          ("able Equity Income", "able Bonds Income", "able Money Market")]


def _data(rows: int = 60, names: list[str] | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(21)
    m = rng.normal(0.007, 0.04, rows)
    cols = names or ["A", "B", "C"]
    data = {"MKT": m}
    for j, c in enumerate(cols):
        data[c] = 0.001 + (0.5 + 0.3 * j) * m + rng.normal(0, 0.02, rows)
    return pd.DataFrame(data, index=pd.date_range("2018-01-31", periods=rows, freq="ME",
                                                  name="date"))


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.legends[0].get_texts()]


def test_names_differing_in_the_middle_keep_distinct_labels_in_every_chart() -> None:
    assert len({n[:14] for n in MIDDLE}) == 1 and len({n[-13:] for n in MIDDLE}) == 1
    data = _data(50, MIDDLE)
    returns, bench = data.drop(columns="MKT"), data["MKT"]
    for fig in (bp.growth(returns, bench), bp.drawdowns(returns, bench),
                bp.rolling_betas(returns, bench, 12)):
        labels = [t for t in _texts(fig) if "benchmark" not in t]
        assert len(labels) == 3 and len(set(labels)) == 3, labels
        assert all(len(t) < len(n) for t, n in zip(labels, MIDDLE, strict=True))  # still shortened
    titles = {bp.regression(returns[c], bench, among=MIDDLE).axes[0].get_title(loc="left")
              for c in MIDDLE}
    assert len(titles) == 3
    rec = __import__("betaxl").beta_reconcile(returns, bench, [0.5, 0.3, 0.2])
    ticks = [t.get_text() for t in bp.contributions(rec).axes[0].get_xticklabels()]
    assert len(set(ticks)) == 3


def test_the_page_lists_each_shortened_label_with_its_full_name(tmp_path: Path) -> None:
    data = _data(50, MIDDLE)
    data.to_csv(tmp_path / "d.csv")
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "d.csv"), "--benchmark", "MKT", "-o", str(out),
                 "--weights", ",".join(f'"{n}"=1' for n in MIDDLE)]) == 0
    page = out.read_text(encoding="utf-8")
    key = re.search(r'<table id="labels">(.*?)</table>', page, re.S)
    assert key is not None
    pairs = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", key.group(1))
    assert [n for _, n in pairs] == MIDDLE
    assert len({label for label, _ in pairs}) == 3
    for name in MIDDLE:  # the risk table's header keeps the whole name
        assert f'<th scope="col">{name}</th>' in page


def test_n_obs_own_counts_the_rows_of_each_assets_own_regression() -> None:
    import betaxl as bx

    data = _data(40)
    rf = pd.Series(0.001, index=data.index)
    rf.iloc[[3, 7, 11]] = np.nan  # three rows without a risk-free rate
    data.iloc[20, 2] = np.nan  # B misses one more row (not in the common period's edges)
    returns, bench = data.drop(columns="MKT"), data["MKT"]
    returns.iloc[0, 0] = np.nan  # A starts a row later
    rec = bx.beta_reconcile(returns.iloc[21:], bench.iloc[21:], [0.5, 0.3, 0.2],
                            risk_free=rf.iloc[21:])
    full = bx.beta_reconcile(returns.iloc[:, [0, 2]], bench, [0.5, 0.5], risk_free=rf)
    table = bx.risk_table(returns.iloc[:, [0, 2]], bench, risk_free=rf, periods_per_year=12)
    # A: 40 rows, less its first, less the three without a rate
    assert full.assets["n_obs_own"].tolist() == [36, 37]
    assert full.assets["n_obs_own"].tolist() == table.n_obs.astype(int).tolist()
    # the same beta, the same bytes, in both tables
    assert full.assets["beta_own_sample"].tolist() == table.beta.tolist()
    assert rec.assets["n_obs_own"].tolist() == [19, 19, 19]


def test_the_reports_risk_and_reconciliation_betas_are_the_same_bytes(
        tmp_path: Path) -> None:
    data = _data(45)
    data.iloc[0, 1] = np.nan  # A starts a row later: the own rows differ
    data["RF"] = 0.0012
    data.iloc[9, -1] = np.nan
    data.to_csv(tmp_path / "d.csv")
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "d.csv"), "--benchmark", "MKT", "--risk-free",
                 "RF", "--weights", "A=0.5,B=0.3,C=0.2", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    risk = re.search(r'<tr data-field="beta">(.*?)</tr>', page).group(1)
    assets = re.search(r'<table id="assets">(.*?)</table>', page, re.S).group(1)
    heads = re.findall(r'<th scope="col">([^<]*)</th>', assets)
    own = heads.index("beta_own_sample")
    rows = re.findall(r"<tr [^>]*>(.*?)</tr>", assets)
    page_own = [re.findall(r'data-value="([^"]+)"', r)[own] for r in rows]
    assert re.findall(r'data-value="([^"]+)"', risk) == page_own
    n_col = heads.index("n_obs_own")
    n_risk = re.findall(r'data-value="([^"]+)"',
                        re.search(r'<tr data-field="n_obs">(.*?)</tr>', page).group(1))
    assert [re.findall(r'data-value="([^"]+)"', r)[n_col] for r in rows] == n_risk


def _schedule(*dates: str) -> pd.DataFrame:
    return pd.DataFrame([[0.5, 0.3, 0.2]] * len(dates), columns=["A", "B", "C"],
                        index=pd.DatetimeIndex(pd.to_datetime(list(dates)), name="date"))


# the data run 2018-01-31 to 2019-12-31 (24 month ends)
UNUSED = [(("2017-12-31", "2030-06-30"), "dated 2030-06-30 govern no return row: the "
           "returns end 2019-12-31"),
          (("2017-12-31", "2019-12-31"), "dated 2019-12-31 govern no return row"),
          (("2017-11-30", "2017-12-31"), "dated 2017-11-30 govern no return row: the row "
           "dated 2017-12-31 replaces them before the next return \\(2018-01-31\\)"),
          (("2017-12-31", "2018-03-05", "2018-03-20"), "dated 2018-03-05 govern no return "
           "row: the row dated 2018-03-20")]


@pytest.mark.parametrize("dates, says", UNUSED)
def test_a_schedule_row_governing_no_return_is_refused_by_every_door(
        tmp_path: Path, dates: tuple[str, ...], says: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    import betaxl as bx
    from betaxl.errors import BetaxlError
    from betaxl.udfs import BETA_RECONCILE, PORT_RETURNS

    data = _data(24)
    returns, bench = data.drop(columns="MKT"), data["MKT"]
    sched = _schedule(*dates)
    for call in (lambda: bx.portfolio_returns(returns, sched),
                 lambda: bx.beta_reconcile(returns, bench, sched)):
        with pytest.raises(BetaxlError, match="weights " + says) as info:
            call()
        assert "\n" not in str(info.value)
    cells = [list(returns.columns)] + returns.to_numpy().tolist()
    when = [[d.to_pydatetime()] for d in returns.index]
    table = [["date", *sched.columns]] + [[d.to_pydatetime(), *map(float, row)] for d, row
                                           in zip(sched.index, sched.to_numpy(), strict=True)]
    market = [["MKT"]] + [[float(v)] for v in bench]
    for func, call in (("PORT_RETURNS", lambda: PORT_RETURNS(cells, table, dates=when)),
                       ("BETA_RECONCILE", lambda: BETA_RECONCILE(cells, market, table,
                                                                 dates=when))):
        with pytest.raises(BetaxlError, match=f"^{func}: weights {says}"):
            call()
    data.to_csv(tmp_path / "d.csv")
    returns.to_csv(tmp_path / "r.csv")
    sched.to_csv(tmp_path / "w.csv")
    for command in (["portfolio", "--weights", str(tmp_path / "w.csv")],
                    ["reconcile", "--market", "MKT", "--weights", str(tmp_path / "w.csv")],
                    ["report", "--benchmark", "MKT", "--weights", str(tmp_path / "w.csv")]):
        out = tmp_path / ("out.html" if command[0] == "report" else "out.csv")
        capsys.readouterr()
        source = tmp_path / ("r.csv" if command[0] == "portfolio" else "d.csv")
        assert main([command[0], str(source), *command[1:],
                     "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert re.search("weights " + says, err) and err.count("\n") == 1, err
        assert not out.exists()


def test_weights_dated_between_two_rows_govern_the_next_row() -> None:
    import betaxl as bx

    data = _data(24)
    returns = data.drop(columns="MKT")
    sched = _schedule("2017-12-31", "2018-03-15")
    sched.iloc[1] = [0.0, 0.0, 1.0]
    path = bx.portfolio_returns(returns, sched)
    # dated mid-March: March's return (2018-03-31) is the first they govern
    assert path.weights_start.loc["2018-03-31"].tolist() == [0.0, 0.0, 1.0]
    assert path.weights_start.loc["2018-02-28", "C"] != 1.0


@pytest.mark.parametrize("command, option", [
    (["report", "--benchmark", "MKT", "--rebalance", "period"], "--rebalance"),
    (["report", "--benchmark", "MKT", "--rebalance", "none"], "--rebalance"),  # the default
    (["report", "--benchmark", "MKT", "--holdings", "weights"], "--holdings"),
    (["report", "--benchmark", "MKT", "--rate-method", "simple"], "--rate-method"),
    (["risk", "--benchmark", "MKT", "--rate-method", "simple"], "--rate-method"),
    (["betas", "--market", "MKT", "--rate-method", "compound"], "--rate-method"),
])
def test_an_option_that_needs_another_is_refused_in_one_line_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str],
        option: str) -> None:
    _data(40).to_csv(tmp_path / "d.csv")
    out = tmp_path / ("o.html" if command[0] == "report" else "o.csv")
    assert main([command[0], str(tmp_path / "d.csv"), *command[1:], "-o", str(out)]) == 2
    err = capsys.readouterr().err
    needs, why = (("--weights", "it says how the weights are held")
                  if option in ("--rebalance", "--holdings") else
                  ("--risk-free-annual", "it says how an annual rate is made a rate per period"))
    assert err == (f"betaxl {command[0]}: {option} is only for {needs} ({why}); "
                   f"add {needs} or drop {option}\n")
    assert not out.exists()


def test_report_takes_mar_as_betaxl_risk_does(tmp_path: Path) -> None:
    data = _data(40)
    data.to_csv(tmp_path / "d.csv")
    page, table = tmp_path / "r.html", tmp_path / "risk.csv"
    assert main(["report", str(tmp_path / "d.csv"), "--benchmark", "MKT", "--mar", "0.004",
                 "-o", str(page)]) == 0
    assert main(["risk", str(tmp_path / "d.csv"), "--benchmark", "MKT", "--mar", "0.004",
                 "-o", str(table)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "<dt><b>MAR</b></dt><dd>0.004 per period" in text
    risk = pd.read_csv(table, index_col=0)
    risk = risk if "sortino" in risk.index else risk.T
    for field in ("omega", "sortino", "downside_deviation"):
        row = re.search(rf'<tr data-field="{field}">(.*?)</tr>', text).group(1)
        shown = [float(v) for v in re.findall(r'data-value="([^"]+)"', row)]
        assert shown == risk.loc[field].astype(float).tolist()
    zero = tmp_path / "z.html"
    assert main(["report", str(tmp_path / "d.csv"), "--benchmark", "MKT", "-o",
                 str(zero)]) == 0
    assert zero.read_text(encoding="utf-8") != text  # the MAR moved the downside rows


def _plot_inputs() -> tuple[pd.DataFrame, pd.Series]:
    data = _data(24)
    return data.drop(columns="MKT"), data["MKT"]


REFUSALS = [
    (lambda r, b: bp.growth(r, b.tz_localize("UTC")),
     "growth: benchmark has dates in time zone UTC and returns dates without a time zone"),
    (lambda r, b: bp.drawdowns(r.tz_localize("UTC"), b),
     "drawdowns: benchmark has dates without a time zone and returns dates in time zone"),
    (lambda r, b: bp.growth(r, b, risk_free=pd.Series(0.001, index=r.index.tz_localize(
        "Europe/London"))), "growth: risk_free has dates in time zone Europe/London"),
    (lambda r, b: bp.growth(r, b, risk_free="0.001"), "growth: risk_free is text ('0.001')"),
    (lambda r, b: bp.rolling_betas(r, b, 12, risk_free="abc"),
     "rolling_betas: risk_free is text ('abc')"),
    (lambda r, b: bp.regression(r["A"], b, risk_free="0.001"),
     "regression: risk_free is text"),
    (lambda r, b: bp.regression(r["A"].iloc[:2], b.iloc[:2]),
     "regression: returns column 'A' has 2 usable rows paired with benchmark"),
    (lambda r, b: bp.regression(r["A"], b * 0.0),
     "regression: benchmark is constant"),
    (lambda r, b: bp.regression(r["A"], b, risk_free=[0.1, 0.2]),
     "regression: risk_free has shape"),
    (lambda r, b: bp.growth(r.assign(B=-1.5), b),
     "growth: returns has a return below -100% at row 1, column 'B'"),
    (lambda r, b: bp.rolling_betas(r, b, "12"), "rolling_betas: window must be a whole"),
    (lambda r, b: bp.rolling_betas(r, b, 2), "rolling_betas: window must be a whole"),
    (lambda r, b: bp.rolling_betas(r, b, 12, periods_per_year="x"),
     "rolling_betas: periods_per_year must be a positive number"),
    (lambda r, b: bp.effects("x"), "effects: rec is a str, not a Reconciliation"),
    (lambda r, b: bp.contributions(None), "contributions: rec is a NoneType"),
]


@pytest.mark.parametrize("call, says", REFUSALS)
def test_plot_refusals_name_the_function_the_argument_and_the_problem(call, says) -> None:
    from betaxl.errors import BetaxlError

    r, b = _plot_inputs()
    with pytest.raises(BetaxlError) as info:
        call(r, b)
    text = str(info.value)
    assert text.startswith(says), text
    assert "\n" not in text and "ols_beta" not in text and "rolling_beta:" not in text


@pytest.mark.parametrize("dates, start", [
    # business days from a Monday, holidays inside: pandas infers no frequency
    (pd.bdate_range("2024-01-08", periods=300).delete([5, 30, 80, 150]), "2024-01-05"),
    # from the Tuesday after New Year's Day (a holiday Monday)
    (pd.bdate_range("2024-01-02", periods=60).delete([11, 30]), "2024-01-01"),
    # weekly Fridays with a holiday week left out
    (pd.date_range("2024-01-05", periods=40, freq="W-FRI").delete(3), "2023-12-29"),
    # last business days of the month, one month missing
    (pd.date_range("2020-01-31", periods=30, freq="BME").delete(4), "2019-12-31"),
    # month ends, one missing
    (pd.date_range("2020-03-31", periods=30, freq="ME").delete(4), "2020-02-29"),
])
def test_growth_starts_a_period_before_in_the_datas_own_calendar(
        dates: pd.DatetimeIndex, start: str) -> None:
    rng = np.random.default_rng(6)
    returns = pd.DataFrame({"A": rng.normal(0, 0.01, len(dates))}, index=dates)
    bench = pd.Series(rng.normal(0, 0.01, len(dates)), index=dates, name="M")
    fig = bp.growth(returns, bench)
    firsts = {pd.Timestamp(line.get_xdata()[0]) for line in fig.axes[0].get_lines()}
    assert firsts == {pd.Timestamp(start)}
    if (dates.day_of_week < 5).all():  # weekday data: never a weekend
        assert pd.Timestamp(start).day_of_week < 5
    path = bp.drawdowns(returns, bench).axes[0].get_lines()[0].get_xdata()
    assert pd.Timestamp(path[0]) == pd.Timestamp(start)
