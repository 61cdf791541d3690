# Reference values for tests/test_schedule.py and tests/test_risk_measures.py, from
# R PerformanceAnalytics 2.1.0 (xts, zoo from Debian). Regenerate from the repository root:
#   R_LIBS=<library with PerformanceAnalytics> Rscript tests/data/pa_reference.R
# Writes CSV files next to this script; only numbers are stored, no PerformanceAnalytics code.
suppressMessages(library(PerformanceAnalytics))
out <- "tests/data"
fmt <- function(x) trimws(formatC(x, digits = 17, format = "g"))
w <- function(x, name) {
  df <- data.frame(date = format(index(x)), apply(coredata(x), 2, fmt), check.names = FALSE)
  write.csv(df, file.path(out, name), row.names = FALSE, quote = FALSE)
}
data(managers)
m <- managers[, c("HAM1", "HAM2", "HAM3", "HAM4", "SP500 TR", "US 3m TR")]
colnames(m) <- c("HAM1", "HAM2", "HAM3", "HAM4", "SP500", "US3m")
w(m, "pa_managers.csv")

# --- risk measures: HAM1..HAM4 against SP500, monthly (scale 12), PA defaults ---------
rows <- list()
for (name in c("HAM1", "HAM2", "HAM3", "HAM4")) {
  ra <- na.omit(m[, name]); rb <- m[index(ra), "SP500"]; rf <- m[index(ra), "US3m"]
  v <- c(
    treynor = TreynorRatio(ra, rb),
    treynor_rf = TreynorRatio(ra, rb, Rf = rf),
    sortino = SortinoRatio(ra),
    downside_deviation = DownsideDeviation(ra),
    max_drawdown = maxDrawdown(ra),
    calmar = CalmarRatio(ra),
    var_historical = VaR(ra, method = "historical"),
    var_gaussian = VaR(ra, method = "gaussian"),
    var_modified = VaR(ra),
    es_historical = ES(ra, method = "historical"),
    up_capture = UpDownRatios(ra, rb, method = "Capture", side = "Up"),
    down_capture = UpDownRatios(ra, rb, method = "Capture", side = "Down"),
    skewness = skewness(ra),
    excess_kurtosis = kurtosis(ra),
    sharpe_arithmetic = SharpeRatio.annualized(ra, geometric = FALSE),
    sharpe_arithmetic_rf = SharpeRatio.annualized(ra, Rf = rf, geometric = FALSE)
  )
  rows[[name]] <- sapply(v, as.numeric)
}
tab <- do.call(cbind, rows)
write.csv(data.frame(measure = rownames(tab), apply(tab, 2, fmt)), file.path(out, "pa_risk_measures.csv"),
          row.names = FALSE, quote = FALSE)

# --- Return.portfolio with a dated weight schedule (monthly managers data) -------------
r <- m["1996-01/2006-12", c("HAM1", "HAM3", "HAM4", "SP500")]
sched <- xts(rbind(c(0.25, 0.25, 0.25, 0.25),
                   c(0.40, 0.10, 0.00, 0.50),
                   c(0.10, 0.30, 0.35, 0.25),   # dated mid-month: in force from the next row
                   c(0.50, 0.50, 0.00, 0.00),
                   c(0.20, 0.20, 0.30, 0.30)),
             order.by = as.Date(c("1995-12-31", "1997-03-31", "1998-07-15",
                                  "2001-12-31", "2003-06-30")))
colnames(sched) <- colnames(r)
w(sched, "pa_schedule_weights.csv")
p <- Return.portfolio(r, weights = sched, verbose = TRUE)
w(p$returns, "pa_schedule_returns.csv")
w(p$BOP.Weight, "pa_schedule_bop.csv")
w(p$EOP.Weight, "pa_schedule_eop.csv")
w(p$contribution, "pa_schedule_contribution.csv")

# --- weekly rebalancing on simulated daily returns -------------------------------------
set.seed(12)
days <- seq(as.Date("2024-01-02"), as.Date("2024-06-28"), by = "day")
days <- days[!weekdays(days) %in% c("Saturday", "Sunday")]
d <- xts(matrix(round(rnorm(3 * length(days), 0.0004, 0.012), 6), ncol = 3), order.by = days)
colnames(d) <- c("A", "B", "C")
w(d, "pa_daily.csv")
pw <- Return.portfolio(d, weights = c(0.5, 0.3, 0.2), rebalance_on = "weeks", verbose = TRUE)
w(pw$returns, "pa_weekly_returns.csv")
w(pw$BOP.Weight, "pa_weekly_bop.csv")
