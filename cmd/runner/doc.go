// Command runner runs ForecastRun's forecasting engine: `local` runs a
// tournament on a CSV file, `generate` writes a synthetic dataset, and
// `score` scores forecasts against a holdout.
package main
