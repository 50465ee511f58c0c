# Goldens for runner/models/croston from R forecast's croston() (alpha = 0.1).
# Run from the repository root (see hack/gen-goldens.sh); writes
# runner/models/croston/testdata/.
source("hack/goldens/common.R")
out <- testdata("croston")
alpha <- 0.1
h <- 12

# Car-part sales: the first items (by id) with at least 10 non-zero months,
# four without missing months and one with, whose missing months are set to
# zero (no recorded sale). The Go test reads the series back from
# series.csv, so both sides see the same numbers.
carparts <- read_shared("carparts")
carparts <- carparts[order(carparts$item_id, carparts$t), ]
items <- split(carparts$value, carparts$item_id)
nonzero <- sapply(items, function(v) sum(v > 0, na.rm = TRUE))
missing <- sapply(items, function(v) anyNA(v))
complete_ids <- head(names(items)[nonzero >= 10 & !missing], 4)
gappy_id <- head(names(items)[nonzero >= 10 & missing], 1)
inputs <- items[complete_ids]
gappy <- items[[gappy_id]]
gappy[is.na(gappy)] <- 0
inputs[[paste0(gappy_id, "_na_as_zero")]] <- gappy

# Synthetic intermittent series, seeded.
set.seed(20261127)
lumpy <- rbinom(200, 1, 0.2) * rnbinom(200, size = 2, mu = 6)
inputs$synthetic_lumpy <- lumpy
inputs$synthetic_sparse_long <- rbinom(730, 1, 0.05) * (1 + rpois(730, 3))
inputs$synthetic_fractional <- rbinom(60, 1, 0.4) * round(rgamma(60, shape = 2, rate = 0.7), 3)
inputs$synthetic_demand_first <- c(4, 0, 0, 2, 0, 5, 0, 0, 0, 1, 0, 3)
inputs$synthetic_single_demand <- c(0, 0, 0, 0, 0, 0, 6, 0, 0, 0)
inputs$synthetic_all_zero <- rep(0, 24)
inputs$synthetic_constant <- rep(3, 20)

# R forecast 8.20's croston() has no SBA option; newer versions take
# type = "sba". Use it when present, otherwise deflate classic by 1 - alpha/2,
# which is the definition.
has_type <- "type" %in% names(formals(croston))
sba <- function(y) {
  if (has_type) return(croston(y, h = h, alpha = alpha, type = "sba"))
  fc <- croston(y, h = h, alpha = alpha)
  fc$mean <- fc$mean * (1 - alpha / 2)
  fc$fitted <- fc$fitted * (1 - alpha / 2)
  fc
}
models <- list(
  CrostonClassic = function(y) croston(y, h = h, alpha = alpha),
  CrostonSBA     = sba
)

series_rows <- c("series,t,value")
forecast_rows <- c("model,series,step,mean")
fitted_rows <- c("model,series,t,fitted")
for (name in names(inputs)) {
  y <- as.numeric(inputs[[name]])
  stopifnot(!anyNA(y))
  series_rows <- c(series_rows, paste(name, seq_along(y), fmt(y), sep = ","))
  for (model in names(models)) {
    fc <- models[[model]](y)
    forecast_rows <- c(forecast_rows, paste(model, name, seq_len(h), fmt(as.numeric(fc$mean)), sep = ","))
    fitted_rows <- c(fitted_rows, paste(model, name, seq_along(y), fmt(as.numeric(fc$fitted)), sep = ","))
  }
}

write_source(out, file = "VERSION", with_r = TRUE,
  extra = sprintf("CrostonSBA: %s", if (has_type) "croston(type = \"sba\")" else "croston() * (1 - alpha/2)"))
writeLines(series_rows, file.path(out, "series.csv"))
writeLines(forecast_rows, file.path(out, "forecasts.csv"))
writeLines(fitted_rows, file.path(out, "fitted.csv"))
