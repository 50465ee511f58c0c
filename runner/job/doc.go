// Package job is the in-cluster runner: it reads its ForecastRun, loads and
// samples the dataset, forecasts its shard with checkpoints, reports
// progress into the run's status by server-side apply, and writes the
// result files and status.result.
package job
