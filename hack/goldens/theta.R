# Reference forecasts for runner/models/theta from R's forecast package:
# thetaf() with its default horizon-independent settings, on classic R
# datasets and items of ../shared/data. Run from the repository root
# (hack/gen-goldens.sh does); FORECASTRUN_DATA overrides ../shared/data.
source("hack/goldens/common.R")
out <- testdata("theta")

# name, values, season, horizon
cases <- list(
  list("AirPassengers", as.numeric(AirPassengers), 12, 24),
  list("USAccDeaths", as.numeric(USAccDeaths), 12, 24),
  list("WWWusage", as.numeric(WWWusage), 1, 10),
  list("m4-hourly/H1", shared("m4-hourly", "H1"), 24, 48),
  list("m4-hourly/H20", shared("m4-hourly", "H20"), 24, 48),
  list("m4-weekly/W295", shared("m4-weekly", "W295"), 52, 13),
  list("carparts/21017605", shared("carparts", "21017605"), 12, 12)
)

series <- list(); fc <- list(); pars <- list()
for (cs in cases) {
  name <- cs[[1]]; y <- ts(cs[[2]], frequency = cs[[3]]); h <- cs[[4]]
  series[[name]] <- data.frame(series = name, season = cs[[3]], t = seq_along(y), value = as.numeric(y))
  f <- thetaf(y, h = h)
  pars[[length(pars) + 1]] <- data.frame(series = name, alpha = unname(f$model$alpha),
    drift = unname(f$model$drift), sigma2 = unname(f$model$sigma),
    mse = mean((as.numeric(y) - as.numeric(f$fitted))^2))
  fc[[length(fc) + 1]] <- data.frame(series = name, step = seq_len(h),
    mean = as.numeric(f$mean), lo80 = as.numeric(f$lower[, 1]), hi80 = as.numeric(f$upper[, 1]),
    lo95 = as.numeric(f$lower[, 2]), hi95 = as.numeric(f$upper[, 2]))
}
write.csv(do.call(rbind, series), file.path(out, "series.csv"), row.names = FALSE)
write.csv(do.call(rbind, fc), file.path(out, "forecasts.csv"), row.names = FALSE)
write.csv(do.call(rbind, pars), file.path(out, "params.csv"), row.names = FALSE)
write_source(out)
