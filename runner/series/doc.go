// Package series holds per-item time series and streams them from long CSV
// files, naming file, line and column in every error.
package series
