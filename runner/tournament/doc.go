// Package tournament backtests every candidate model on each item with
// rolling origins, picks the most accurate one, and forecasts with it,
// running items in parallel on a worker pool.
package tournament
