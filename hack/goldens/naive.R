# Goldens for runner/models/naive from R forecast's naive(), snaive(),
# rwf(drift = TRUE) and meanf(). Run from the repository root (see
# hack/gen-goldens.sh); writes runner/models/naive/testdata/.
source("hack/goldens/common.R")
out <- testdata("naive")

# The first car part (by id) with no missing month and at least 10 sales.
first_carpart <- function() {
  d <- read_shared("carparts")
  d <- d[order(d$item_id, d$t), ]
  items <- split(d$value, d$item_id)
  ok <- sapply(items, function(v) !anyNA(v) && sum(v > 0) >= 10)
  names(items)[ok][1]
}
carpart <- first_carpart()

# Each series carries its seasonal period (for snaive) and a horizon long
# enough to cover several seasons.
inputs <- list(
  AirPassengers = list(y = as.numeric(AirPassengers), m = 12, h = 30),
  WWWusage      = list(y = as.numeric(WWWusage), m = 1, h = 20),
  H1            = list(y = shared("m4-hourly", "H1"), m = 24, h = 60),
  W295          = list(y = shared("m4-weekly", "W295"), m = 52, h = 110),
  carpart       = list(y = shared("carparts", carpart), m = 12, h = 24),
  # First equals last, so the drift is 0 but for rounding (lm() returns
  # exactly 0 here, 6e-16 on the car part). See skip_model below.
  zero_drift    = list(y = c(5, 7, 4, 6, 5, 8, 5), m = 2, h = 7)
)

# forecast.lagwalk keeps all residual degrees of freedom when lm()'s drift is
# exactly 0.0, and loses one when rounding leaves it at 1e-16; the Go model
# always loses one (runner/models/naive/lagwalk.go explains why), so rwf()
# on a series whose drift lm() rounds to exactly zero is not a golden.
skip_model <- function(model, fc) {
  model == "RandomWalkWithDrift" && fc$model$par$drift == 0
}

models <- list(
  Naive               = function(s) naive(s$y, h = s$h, level = c(80, 95)),
  SeasonalNaive       = function(s) snaive(ts(s$y, frequency = s$m), h = s$h, level = c(80, 95)),
  RandomWalkWithDrift = function(s) rwf(s$y, h = s$h, drift = TRUE, level = c(80, 95)),
  HistoricAverage     = function(s) meanf(s$y, h = s$h, level = c(80, 95))
)

series_rows <- c("series,season,t,value")
forecast_rows <- c("model,series,step,mean,lo80,hi80,lo95,hi95")
fitted_rows <- c("model,series,t,fitted")
for (name in names(inputs)) {
  s <- inputs[[name]]
  stopifnot(!anyNA(s$y))
  series_rows <- c(series_rows, paste(name, s$m, seq_along(s$y), fmt(s$y), sep = ","))
  for (model in names(models)) {
    fc <- models[[model]](s)
    if (skip_model(model, fc)) next
    forecast_rows <- c(forecast_rows, paste(model, name, seq_len(s$h), fmt(fc$mean),
      fmt(fc$lower[, 1]), fmt(fc$upper[, 1]), fmt(fc$lower[, 2]), fmt(fc$upper[, 2]), sep = ","))
    fitted_rows <- c(fitted_rows, paste(model, name, seq_along(s$y), fmt(as.numeric(fitted(fc))), sep = ","))
  }
}

write_source(out, file = "VERSION", with_r = TRUE)
writeLines(series_rows, file.path(out, "series.csv"))
writeLines(forecast_rows, file.path(out, "forecasts.csv"))
writeLines(fitted_rows, file.path(out, "fitted.csv"))
