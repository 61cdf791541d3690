"""betaxl: portfolio beta and return calculations, in Python and in Excel cells.

The core (this package without :mod:`betaxl.udfs` and the workbook modules) needs only
numpy and pandas.  Rows are periods, oldest first; columns are assets.

Arguments that carry labels (a DatetimeIndex, named columns, a weights Series indexed
by asset) are matched to the returns by label or refused, naming what disagrees;
arrays, and pandas objects with a RangeIndex, are matched by position.  Dates must be
oldest first, each once.  See :mod:`betaxl.data` for the one place these rules live.
"""

from .equal_weight import EqualWeightReturns, equal_weight_returns
from .errors import BetaxlError, DataError, InputError
from .estimators import BetaEstimates, beta_estimates
from .factors import FactorFit, factor_betas
from .frequency import Resampled, per_period_rate, resample_returns
from .portfolio import PortfolioPath, portfolio_returns
from .reconcile import Reconciliation, beta_reconcile
from .regression import OLSFit, ols_beta
from .returns import log_to_simple, simple_to_log, to_returns
from .risk import RiskTable, risk_table
from .rolling import rolling_beta

__version__ = "0.1.0"

__all__ = [
    "BetaEstimates",
    "BetaxlError",
    "DataError",
    "EqualWeightReturns",
    "FactorFit",
    "InputError",
    "OLSFit",
    "PortfolioPath",
    "Reconciliation",
    "Resampled",
    "RiskTable",
    "beta_estimates",
    "beta_reconcile",
    "equal_weight_returns",
    "factor_betas",
    "log_to_simple",
    "ols_beta",
    "per_period_rate",
    "portfolio_returns",
    "resample_returns",
    "risk_table",
    "rolling_beta",
    "simple_to_log",
    "to_returns",
]
