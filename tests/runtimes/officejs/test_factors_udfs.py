"""BETA_FACTORS, BETA_ESTIMATES, RESAMPLE_RETURNS and PER_PERIOD_RATE through this runtime."""

from ..factors_shared import *  # noqa: F403
