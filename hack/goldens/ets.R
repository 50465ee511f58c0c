# Reference fits for runner/models/ets from R's forecast package: ets() with
# its defaults (automatic selection by AICc, restrict = TRUE, no
# multiplicative trend, bounds = "both") on classic R datasets and items of
# ../shared/data. Run from the repository root (hack/gen-goldens.sh does);
# FORECASTRUN_DATA overrides ../shared/data.
source("hack/goldens/common.R")
out <- testdata("ets")

# name, values, season, horizon
cases <- list(
  list("AirPassengers", as.numeric(AirPassengers), 12, 24),
  list("USAccDeaths", as.numeric(USAccDeaths), 12, 24),
  list("WWWusage", as.numeric(WWWusage), 1, 10),
  list("JohnsonJohnson", as.numeric(JohnsonJohnson), 4, 8),
  list("UKgas", as.numeric(UKgas), 4, 8),
  list("m4-hourly/H1", shared("m4-hourly", "H1"), 24, 48),
  list("m4-hourly/H20", shared("m4-hourly", "H20"), 24, 48),
  list("m4-weekly/W295", shared("m4-weekly", "W295"), 52, 13),
  list("carparts/21017605", shared("carparts", "21017605"), 12, 12)
)

par_or_na <- function(f, name) if (name %in% names(f$par)) unname(f$par[[name]]) else NA
# Every form R's automatic search considers: with its AICc, so that a
# selection that differs from R's can be traced to the fits of single forms.
candidate_forms <- function(y, m) {
  seasons <- if (m > 1 && m <= 24) c("N", "A", "M") else "N"
  out <- NULL
  for (e in c("A", "M")) for (tr in c("N", "A", "Ad")) for (s in seasons) {
    if (e == "A" && s == "M") next
    if ((e == "M" || s == "M") && min(y) <= 0) next
    out <- rbind(out, data.frame(error = e, trend = tr, season = s))
  }
  out
}

series <- list(); fc <- list(); pars <- list(); cands <- list()
for (cs in cases) {
  name <- cs[[1]]; y <- ts(cs[[2]], frequency = cs[[3]]); h <- cs[[4]]
  series[[name]] <- data.frame(series = name, season = cs[[3]], t = seq_along(y), value = as.numeric(y))
  f <- suppressWarnings(ets(y))
  npar <- length(f$par) + 1
  init <- f$par[!(names(f$par) %in% c("alpha", "beta", "gamma", "phi"))]
  pars[[length(pars) + 1]] <- data.frame(series = name, form = f$method, aicc = f$aicc,
    lik = -2 * f$loglik, npar = npar, alpha = par_or_na(f, "alpha"), beta = par_or_na(f, "beta"),
    gamma = par_or_na(f, "gamma"), phi = par_or_na(f, "phi"), sigma2 = f$sigma2,
    init = paste(format(unname(init), digits = 15), collapse = " "))
  for (i in seq_len(nrow(cf <- candidate_forms(as.numeric(y), cs[[3]])))) {
    r <- cf[i, ]
    code <- paste0(r$error, substr(r$trend, 1, 1), r$season)
    g <- try(suppressWarnings(ets(y, model = code, damped = r$trend == "Ad")), silent = TRUE)
    aicc <- if (inherits(g, "try-error")) NA else g$aicc
    cands[[length(cands) + 1]] <- data.frame(series = name,
      form = sprintf("ETS(%s,%s,%s)", r$error, r$trend, r$season), aicc = aicc)
  }
  p <- forecast(f, h = h, level = c(80, 95))
  fc[[length(fc) + 1]] <- data.frame(series = name, step = seq_len(h),
    mean = as.numeric(p$mean), lo80 = as.numeric(p$lower[, 1]), hi80 = as.numeric(p$upper[, 1]),
    lo95 = as.numeric(p$lower[, 2]), hi95 = as.numeric(p$upper[, 2]))
}
write.csv(do.call(rbind, series), file.path(out, "series.csv"), row.names = FALSE)
write.csv(do.call(rbind, fc), file.path(out, "forecasts.csv"), row.names = FALSE)
write.csv(do.call(rbind, pars), file.path(out, "params.csv"), row.names = FALSE)
write.csv(do.call(rbind, cands), file.path(out, "candidates.csv"), row.names = FALSE)
# ETS(A,A,M) has no analytic variance: R simulates its intervals. One fit
# with restrict = FALSE, its parameters and initial states, and intervals
# from 20000 simulated paths, for the simulation test.
set.seed(2008)
y <- AirPassengers
f <- ets(y, model = "AAM", damped = FALSE, restrict = FALSE)
p <- forecast(f, h = 12, level = c(80, 95), simulate = TRUE, npaths = 20000)
init <- f$par[!(names(f$par) %in% c("alpha", "beta", "gamma", "phi"))]
write.csv(data.frame(series = "AirPassengers", form = f$method, step = 1:12,
  alpha = f$par[["alpha"]], beta = f$par[["beta"]], gamma = f$par[["gamma"]], sigma2 = f$sigma2,
  init = paste(format(unname(init), digits = 15), collapse = " "),
  mean = as.numeric(p$mean), lo80 = as.numeric(p$lower[, 1]), hi80 = as.numeric(p$upper[, 1]),
  lo95 = as.numeric(p$lower[, 2]), hi95 = as.numeric(p$upper[, 2])),
  file.path(out, "simulated.csv"), row.names = FALSE)
write_source(out)
