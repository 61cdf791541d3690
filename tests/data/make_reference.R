# Reference values for tests/test_factors.py and tests/test_estimators.py, from R.
#
# Run through tests/data/make_reference.py (which writes the input CSV and calls
#   Rscript tests/data/make_reference.R INPUT.csv tests/data/r_reference.csv
# with R_LIBS pointing at a library holding PerformanceAnalytics 2.1).
# Output: one row per (asset, model, quantity) with the value printed to 17 digits.
suppressPackageStartupMessages({
  library(xts)
  library(PerformanceAnalytics)
})
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1], stringsAsFactors = FALSE)
dates <- as.Date(data$date)
assets <- c("NoDur", "Durbl", "Manuf", "Enrgy", "Chems", "BusEq", "Telcm", "Utils",
            "Shops", "Hlth", "Money", "Other")
rf <- xts(data$RF, dates)
market_total <- xts(data$MktRF + data$RF, dates)  # the market's total return
mktrf <- xts(data$MktRF, dates)
rows <- list()
add <- function(asset, model, quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(asset = asset, model = model,
                                          quantity = quantity, value = value)
}
shift <- function(x, lag) {  # x lagged by `lag` rows (a lead when negative), NA-padded
  n <- length(x)
  if (lag >= 0) c(rep(NA, lag), x[seq_len(n - lag)]) else c(x[(1 - lag):n], rep(NA, -lag))
}
for (a in assets) {
  ra <- xts(data[[a]], dates)
  # PerformanceAnalytics, full precision (digits = NULL; the default rounds to 3)
  add(a, "pa_rf", "beta", CAPM.beta(ra, market_total, Rf = rf, digits = NULL))
  add(a, "pa_rf", "bull", CAPM.beta.bull(ra, market_total, Rf = rf, digits = NULL))
  add(a, "pa_rf", "bear", CAPM.beta.bear(ra, market_total, Rf = rf, digits = NULL))
  add(a, "pa", "beta", CAPM.beta(ra, mktrf, digits = NULL))
  add(a, "pa", "bull", CAPM.beta.bull(ra, mktrf, digits = NULL))
  add(a, "pa", "bear", CAPM.beta.bear(ra, mktrf, digits = NULL))
  # Fama-French regressions of the excess asset return, lm() with na.omit
  y <- data[[a]] - data$RF
  for (model in c("ff3", "ff4")) {
    f <- if (model == "ff3") c("MktRF", "SMB", "HML") else c("MktRF", "SMB", "HML", "Mom")
    frame <- data.frame(y = y, data[f])
    fit <- summary(lm(as.formula(paste("y ~", paste(f, collapse = " + "))), frame))
    names <- c("alpha", f)
    for (i in seq_along(names)) {
      add(a, model, paste0("coef:", names[i]), fit$coefficients[i, 1])
      add(a, model, paste0("se:", names[i]), fit$coefficients[i, 2])
      add(a, model, paste0("t:", names[i]), fit$coefficients[i, 3])
    }
    add(a, model, "r_squared", fit$r.squared)
    add(a, model, "adj_r_squared", fit$adj.r.squared)
    add(a, model, "resid_std", fit$sigma)
    add(a, model, "n_obs", sum(fit$df[1:2]))
  }
  # Dimson with one lag and lead: lm on the lagged, current and leading market
  x <- data$MktRF
  dim <- lm(data[[a]] ~ shift(x, 1) + x + shift(x, -1))
  add(a, "dimson1", "dimson", sum(coef(dim)[2:4]))
}
out <- do.call(rbind, rows)
out$value <- sprintf("%.17g", out$value)
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
cat(sprintf("R %s, PerformanceAnalytics %s, xts %s\n", getRversion(),
            packageVersion("PerformanceAnalytics"), packageVersion("xts")))
