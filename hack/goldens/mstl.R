# Reference decompositions and forecasts for runner/models/mstl from R's
# forecast package: mstl() of a series with one or two seasonal periods,
# and forecast() of it, which forecasts the seasonally adjusted series by
# ets(model = "ZZN") and repeats each seasonal component's last cycle.
# Run from the repository root (hack/gen-goldens.sh does); FORECASTRUN_DATA
# overrides ../shared/data.
source("hack/goldens/common.R")
out <- testdata("mstl")

# name, values, seasonal periods, horizon
cases <- list(
  list("AirPassengers", as.numeric(AirPassengers), 12, 24),
  list("m4-hourly/H1", shared("m4-hourly", "H1"), c(24, 168), 48),
  list("m4-hourly/H150", shared("m4-hourly", "H150"), c(24, 168), 48),
  list("m4-weekly/W162", shared("m4-weekly", "W162"), 52, 13),
  list("taylor-4weeks", as.numeric(taylor)[1:(48 * 28)], c(48, 336), 96)
)

series <- list(); comps <- list(); fc <- list()
for (cs in cases) {
  name <- cs[[1]]; periods <- cs[[3]]; h <- cs[[4]]
  y <- if (length(periods) == 1) ts(cs[[2]], frequency = periods) else msts(cs[[2]], seasonal.periods = periods)
  series[[name]] <- data.frame(series = name, periods = paste(periods, collapse = " "), t = seq_along(y), value = as.numeric(y))
  d <- mstl(y)
  seas <- d[, grep("^Seasonal", colnames(d)), drop = FALSE]
  comps[[name]] <- data.frame(series = name, t = seq_along(y), trend = as.numeric(d[, "Trend"]),
    seasonal1 = as.numeric(seas[, 1]), seasonal2 = if (NCOL(seas) > 1) as.numeric(seas[, 2]) else NA,
    remainder = as.numeric(d[, "Remainder"]))
  f <- forecast(d, h = h)
  fc[[name]] <- data.frame(series = name, step = seq_len(h), mean = as.numeric(f$mean), method = f$method)
}
write.csv(do.call(rbind, series), file.path(out, "series.csv"), row.names = FALSE)
write.csv(do.call(rbind, comps), file.path(out, "components.csv"), row.names = FALSE)
write.csv(do.call(rbind, fc), file.path(out, "forecasts.csv"), row.names = FALSE)
write_source(out)
