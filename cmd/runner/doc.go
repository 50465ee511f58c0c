// Command runner runs ForecastRun's forecasting engine: `local` runs a
// tournament on a CSV file, `generate` writes a synthetic dataset, `job`
// runs one shard of a ForecastRun in its Job's Pod, `export` streams a run's
// result files through a Pod log for `kubectl forecast results --copy`, and
// `score` and `fit` serve the benchmarks (scoring forecasts against a
// holdout, and fitting one model per series with its CPU time).
package main
