"""What each data command's ``--help`` says it mirrors and writes: the Excel function by
its real name (``betaxl.udfs.__all__``) and the columns of every table it writes, taken
from the core's own field lists so that the help cannot drift from the output."""

from __future__ import annotations

from ..estimators import ESTIMATORS
from ..reconcile import SUMMARY_FIELDS
from ..regression import OLS_FIELDS
from ..risk import RISK_FIELDS

__all__ = ["EXCEL", "OUTPUTS", "epilog"]

#: the Excel function each command computes (a name of ``betaxl.udfs.__all__``)
EXCEL = {
    "returns": "RETURNS", "betas": "BETA_OLS", "rolling": "BETA_ROLLING",
    "portfolio": "PORT_RETURNS", "equal-weight": "EQUAL_WEIGHT_RETURN",
    "reconcile": "BETA_RECONCILE", "risk": "RISK_TABLE", "factors": "BETA_FACTORS",
    "estimators": "BETA_ESTIMATES", "resample": "RESAMPLE_RETURNS",
}

RECONCILE_ASSETS = ("beta", "weight_start", "weight_avg", "weight_end", "weighted_beta_end",
                    "contribution", "gap", "beta_own_sample", "n_obs_own")

#: what each command writes: the tables, in order, and their columns (or rows)
OUTPUTS = {
    "returns": "one row per date (the first price date has none), a column per price "
               "column",
    "betas": "one row per asset (index 'asset'), columns " + ", ".join(OLS_FIELDS)
             + "; with --window N also OUT_rolling_N: a row per date, a column per asset",
    "rolling": "one row per date, a column per asset (blank until the first full window); "
               "with --engine dask a Parquet dataset instead (-o FOLDER, no suffix or "
               ".parquet): long, columns date, asset, beta, a file per chunk of assets",
    "portfolio": "one row per date: portfolio; with --cost-bps also turnover, cost; with "
                 "--detail also weight_ASSET and contribution_ASSET for every asset",
    "equal-weight": "one row per date: equal_weight, n_assets (the constituents that "
                    "period)",
    "reconcile": "OUT: one row per asset, columns " + ", ".join(RECONCILE_ASSETS)
                 + " (beta_own_sample and n_obs_own: each asset on all its own rows); "
                 "OUT_summary: rows figure -> value: " + ", ".join(SUMMARY_FIELDS),
    "risk": "one row per measure (index 'measure'), a column per asset: "
            + ", ".join(RISK_FIELDS),
    "factors": "one row per asset: alpha, a coefficient per factor, se:NAME, t:NAME, "
               "r_squared, adj_r_squared, resid_std, n_obs, ci_low:NAME, ci_high:NAME",
    "estimators": "one row per asset, a column per estimator: " + ", ".join(ESTIMATORS)
                  + " (ewma blank without --halflife)",
    "resample": "one row per period (its last date in the data): period, rows, partial, "
                "then a column per asset",
}


def epilog(command: str) -> str:
    """The end of ``betaxl COMMAND --help``: the Excel function and the output's columns."""
    return (f"Mirrors the Excel function {EXCEL[command]} (same arguments and defaults). "
            f"Writes {OUTPUTS[command]}.")
