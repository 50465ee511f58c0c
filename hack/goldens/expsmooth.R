# Reference forecasts for runner/models/expsmooth from R's forecast package:
# ses(), holt(), holt(damped = TRUE), hw(seasonal = "additive") and
# hw(seasonal = "multiplicative"), each fitted by ets() with opt.crit = "mse".
# Run from the repository root (hack/gen-goldens.sh does); FORECASTRUN_DATA overrides ../shared/data.
source("hack/goldens/common.R")
out <- testdata("expsmooth")

# amse is ets's mean of the 1-3 step in-sample MSEs (nmse = 3).
# The initial states (init: l, b, s1..sm with s1 the newest) let the Go
# tests replay R's exact fit through our filter.
# name, values, season (1 = non-seasonal only), horizon
cases <- list(
  list("AirPassengers", as.numeric(AirPassengers), 12, 24),
  list("USAccDeaths", as.numeric(USAccDeaths), 12, 24),
  list("WWWusage", as.numeric(WWWusage), 1, 10),
  list("m4-hourly/H1", shared("m4-hourly", "H1"), 24, 48),
  list("m4-hourly/H20", shared("m4-hourly", "H20"), 24, 48),
  list("m4-weekly/W1", shared("m4-weekly", "W1"), 1, 13),
  list("m4-weekly/W20", shared("m4-weekly", "W20"), 1, 13)
)

fitters <- list(
  SES = function(y, h) ses(y, h = h),
  Holt = function(y, h) holt(y, h = h),
  DampedHolt = function(y, h) holt(y, h = h, damped = TRUE),
  HoltWintersAdditive = function(y, h) hw(y, h = h, seasonal = "additive"),
  HoltWintersMultiplicative = function(y, h) hw(y, h = h, seasonal = "multiplicative")
)

series <- list(); fc <- list(); pars <- list()
for (cs in cases) {
  name <- cs[[1]]; y <- ts(cs[[2]], frequency = cs[[3]]); h <- cs[[4]]
  series[[name]] <- data.frame(series = name, season = cs[[3]], t = seq_along(y), value = as.numeric(y))
  for (model in names(fitters)) {
    if (cs[[3]] == 1 && startsWith(model, "HoltWinters")) next
    f <- fitters[[model]](y, h)
    p <- f$model$par
    get <- function(k) if (is.na(p[k])) NA else unname(p[k])
    pars[[length(pars) + 1]] <- data.frame(series = name, model = model,
      alpha = get("alpha"), beta = get("beta"), gamma = get("gamma"), phi = get("phi"),
      mse = mean((as.numeric(y) - as.numeric(fitted(f)))^2), amse = f$model$amse, sigma2 = f$model$sigma2,
      init = paste(format(unname(f$model$initstate), digits = 17), collapse = " "))
    fc[[length(fc) + 1]] <- data.frame(series = name, model = model, step = seq_len(h),
      mean = as.numeric(f$mean), lo80 = as.numeric(f$lower[, 1]), hi80 = as.numeric(f$upper[, 1]),
      lo95 = as.numeric(f$lower[, 2]), hi95 = as.numeric(f$upper[, 2]))
  }
}
write.csv(do.call(rbind, series), file.path(out, "series.csv"), row.names = FALSE)
write.csv(do.call(rbind, fc), file.path(out, "forecasts.csv"), row.names = FALSE)
write.csv(do.call(rbind, pars), file.path(out, "params.csv"), row.names = FALSE)
write_source(out)
