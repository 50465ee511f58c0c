# Forecasts every item of a long CSV (item_id,t,value) with R's forecast
# package, as the reference side of hack/bench-vs-r.sh.
#
#   Rscript hack/bench/forecast.R TRAIN.csv H M FORECASTS.csv TIMINGS.csv [METHODS [PER_ITEM.csv]]
#
# Writes FORECASTS.csv (item_id,step,model,forecast,lo_80,hi_80,lo_95,hi_95)
# for METHODS, a comma-separated subset of snaive,ses,thetaf,ets,
# auto.arima,croston (default all), with forecast()'s 80% and 95% prediction
# intervals (empty for croston, which has none), TIMINGS.csv (method,seconds) with each method's total time over all
# items, and PER_ITEM.csv (item_id,model,cpu_seconds) with the user plus
# system CPU time of each item, when given.
# Both files are rewritten after every method, so a long run that is stopped
# keeps the methods already finished. Missing values are filled the way
# ForecastRun fills them before fitting: leading ones dropped, interior ones
# interpolated linearly, trailing ones carried forward. A method that fails
# on an item falls back to the naive forecast for it; the count is printed.
suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 5) stop("usage: forecast.R TRAIN.csv H M FORECASTS.csv TIMINGS.csv [METHODS]")
train_path <- args[1]
h <- as.integer(args[2])
m <- as.integer(args[3])

long <- read.csv(train_path, colClasses = c("character", "integer", "numeric"))
long <- long[order(long$item_id, long$t), ]
ids <- unique(long$item_id)
values <- split(long$value, factor(long$item_id, levels = ids))

fill_missing <- function(y) {
  observed <- which(!is.na(y))
  y <- y[observed[1]:length(y)]
  if (anyNA(y)) {
    idx <- seq_along(y)
    ok <- !is.na(y)
    y <- approx(idx[ok], y[ok], xout = idx, rule = 2)$y
  }
  y
}

# Cheapest first, so that the quick methods are on disk early. Each returns
# a forecast object; its mean, and its lower and upper bounds when it has
# them, are written.
methods <- list(
  snaive = function(y) snaive(y, h = h, level = c(80, 95)),
  ses = function(y) ses(y, h = h, level = c(80, 95)),
  thetaf = function(y) thetaf(y, h = h, level = c(80, 95)),
  ets = function(y) forecast(ets(y), h = h, level = c(80, 95)),
  auto.arima = function(y) forecast(auto.arima(y), h = h, level = c(80, 95)),
  croston = function(y) croston(y, h = h)
)

# bounds returns an h × 4 matrix lo_80, hi_80, lo_95, hi_95 (NA without
# intervals, or when they are not finite).
bounds <- function(f) {
  if (is.null(f$lower) || NCOL(f$lower) < 2) return(matrix(NA_real_, h, 4))
  b <- cbind(f$lower[, 1], f$upper[, 1], f$lower[, 2], f$upper[, 2])
  if (nrow(b) != h || any(!is.finite(b))) return(matrix(NA_real_, h, 4))
  b
}
if (length(args) >= 6) methods <- methods[strsplit(args[6], ",")[[1]]]

per_item_path <- if (length(args) >= 7) args[7] else ""
cpu_now <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }

rows <- list()
timings <- data.frame(method = character(), seconds = numeric())
per_item <- list()
for (name in names(methods)) {
  fit <- methods[[name]]
  out <- matrix(NA_real_, nrow = length(ids), ncol = h)
  ivs <- array(NA_real_, dim = c(length(ids), h, 4))
  failed <- 0L
  cpu <- numeric(length(ids))
  secs <- system.time({
    for (i in seq_along(ids)) {
      y <- ts(fill_missing(values[[i]]), frequency = m)
      before <- cpu_now()
      fc <- tryCatch(fit(y), error = function(e) NULL)
      cpu[i] <- cpu_now() - before
      f <- if (is.null(fc)) NULL else as.numeric(fc$mean)
      if (is.null(f) || length(f) != h || any(!is.finite(f))) {
        failed <- failed + 1L
        f <- rep(tail(as.numeric(y), 1), h)
      } else {
        ivs[i, , ] <- bounds(fc)
      }
      out[i, ] <- f
    }
  })[["elapsed"]]
  message(sprintf("%s: %d items in %.1f s, %d fell back to naive", name, length(ids), secs, failed))
  timings <- rbind(timings, data.frame(method = name, seconds = secs))
  rows[[name]] <- data.frame(
    item_id = rep(ids, each = h), step = rep(seq_len(h), times = length(ids)),
    model = name, forecast = as.vector(t(out)),
    lo_80 = as.vector(t(ivs[, , 1])), hi_80 = as.vector(t(ivs[, , 2])),
    lo_95 = as.vector(t(ivs[, , 3])), hi_95 = as.vector(t(ivs[, , 4]))
  )
  write.csv(do.call(rbind, rows), args[4], row.names = FALSE, quote = FALSE, na = "")
  write.csv(timings, args[5], row.names = FALSE, quote = FALSE)
  per_item[[name]] <- data.frame(item_id = ids, model = name, cpu_seconds = cpu)
  if (per_item_path != "") write.csv(do.call(rbind, per_item), per_item_path, row.names = FALSE, quote = FALSE)
}
