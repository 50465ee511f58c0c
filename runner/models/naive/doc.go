// Package naive implements the benchmark forecasts every tournament needs to beat: naive, seasonal naive, random walk with drift, historic average and moving window average.
package naive
