# Reference fits for runner/models/arima from R's forecast package:
# auto.arima() with its defaults, then Arima() at the selected orders (the
# fixed-order reference, which separates estimation from search), on
# classic R datasets and items of ../shared/data. Also the KPSS statistics
# (urca, ndiffs' lag choice) and seasonal strengths (nsdiffs' "seas"
# heuristic) the selection rests on. Run from the repository root
# (hack/gen-goldens.sh does); FORECASTRUN_DATA overrides ../shared/data.
suppressPackageStartupMessages({library(forecast); library(urca)})
out <- "runner/models/arima/testdata"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

data_dir <- Sys.getenv("FORECASTRUN_DATA", "../shared/data")
shared <- function(folder, item) {
  d <- read.csv(file.path(data_dir, folder, "train.csv"))
  d <- d[d$item_id == item, ]
  d$value[order(d$t)]
}

# name, values, season, horizon
cases <- list(
  list("AirPassengers", as.numeric(AirPassengers), 12, 24),
  list("USAccDeaths", as.numeric(USAccDeaths), 12, 24),
  list("WWWusage", as.numeric(WWWusage), 1, 10),
  list("LakeHuron", as.numeric(LakeHuron), 1, 10),
  list("Nile", as.numeric(Nile), 1, 10),
  list("m4-hourly/H1", shared("m4-hourly", "H1"), 24, 48),
  list("m4-weekly/W295", shared("m4-weekly", "W295"), 52, 13),
  list("carparts/21017605", shared("carparts", "21017605"), 12, 12)
)

has_constant <- function(fit) any(names(coef(fit)) %in% c("intercept", "drift"))

series <- list(); fc <- list(); pars <- list(); coefs <- list(); tests <- list()
for (cs in cases) {
  name <- cs[[1]]; y <- ts(cs[[2]], frequency = cs[[3]]); h <- cs[[4]]
  series[[name]] <- data.frame(series = name, season = cs[[3]], t = seq_along(y), value = as.numeric(y))
  auto <- auto.arima(y)
  o <- arimaorder(auto)
  if (length(o) == 3) o <- c(o, 0, 0, 0)
  constant <- has_constant(auto)
  fixed <- Arima(y, order = o[1:3], seasonal = list(order = o[4:6], period = cs[[3]]),
    include.constant = constant)
  pars[[length(pars) + 1]] <- data.frame(series = name, model = as.character(auto),
    p = o[1], d = o[2], q = o[3], P = o[4], D = o[5], Q = o[6], constant = as.integer(constant),
    aicc = auto$aicc, loglik = fixed$loglik, sigma2 = fixed$sigma2, fixed_aicc = fixed$aicc)
  if (length(coef(fixed)) > 0) {
    coefs[[length(coefs) + 1]] <- data.frame(series = name, name = names(coef(fixed)),
      value = unname(coef(fixed)), se = sqrt(diag(fixed$var.coef)))
  }
  f <- forecast(fixed, h = h, level = c(80, 95))
  fc[[length(fc) + 1]] <- data.frame(series = name, step = seq_len(h),
    mean = as.numeric(f$mean), lo80 = as.numeric(f$lower[, 1]), hi80 = as.numeric(f$upper[, 1]),
    lo95 = as.numeric(f$lower[, 2]), hi95 = as.numeric(f$upper[, 2]))
  x <- as.numeric(y)
  for (k in 0:1) {
    lag <- trunc(3 * sqrt(length(x)) / 13)
    tests[[length(tests) + 1]] <- data.frame(series = name, differences = k, lags = lag,
      kpss = ur.kpss(x, type = "mu", use.lag = lag)@teststat[1],
      seas_strength = if (cs[[3]] > 1 && k == 0 && length(x) > 2 * cs[[3]]) forecast:::seas.heuristic(y) else NA)
    x <- diff(x)
  }
}
write.csv(do.call(rbind, series), file.path(out, "series.csv"), row.names = FALSE)
write.csv(do.call(rbind, fc), file.path(out, "forecasts.csv"), row.names = FALSE)
write.csv(do.call(rbind, pars), file.path(out, "params.csv"), row.names = FALSE)
write.csv(do.call(rbind, coefs), file.path(out, "coefs.csv"), row.names = FALSE)
write.csv(do.call(rbind, tests), file.path(out, "tests.csv"), row.names = FALSE)
writeLines(paste("R forecast", as.character(packageVersion("forecast")),
  "urca", as.character(packageVersion("urca"))), file.path(out, "SOURCE"))
