# Shared preamble of the golden scripts, sourced by hack/goldens/<model>.R
# from the repository root (hack/gen-goldens.sh runs them there, and skips
# this file). It loads forecast and defines the readers of ../shared/data
# and the writers every script needs, so that the scripts hold only their
# cases and the calls they record.
suppressPackageStartupMessages(library(forecast))

# The benchmark data folder; override with FORECASTRUN_DATA.
data_dir <- Sys.getenv("FORECASTRUN_DATA", "../shared/data")

# testdata returns runner/models/<pkg>/testdata, creating it if missing.
testdata <- function(pkg) {
  out <- file.path("runner/models", pkg, "testdata")
  dir.create(out, showWarnings = FALSE, recursive = TRUE)
  out
}

# read_shared returns a data folder's train.csv (item_id, t, value). Ids
# are read as text, so that numeric car-part ids keep their exact form.
read_shared <- function(folder) {
  read.csv(file.path(data_dir, folder, "train.csv"),
    colClasses = c("character", "integer", "numeric"))
}

# shared returns the values of one item of a data folder in time order.
shared <- function(folder, item) {
  d <- read_shared(folder)
  d <- d[d$item_id == item, ]
  d$value[order(d$t)]
}

# fmt prints numbers to 17 significant digits, which read back exactly.
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

# write_source records what produced the goldens in out/file: a line
# "R forecast 8.20" (and the name and version of every other package),
# followed by R's version when with_r is set, then any extra lines.
write_source <- function(out, packages = "forecast", file = "SOURCE", with_r = FALSE, extra = character()) {
  versions <- vapply(packages, function(p) as.character(packageVersion(p)), "")
  line <- paste("R", paste(packages, versions, collapse = " "))
  if (with_r) line <- paste0(line, ", ", R.version.string)
  writeLines(c(line, extra), file.path(out, file))
}
