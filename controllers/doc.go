// Package controllers holds the ForecastRun reconciler: the Lease lock, the
// queue, the runner Job and the run's status, each in a file of its own.
package controllers
