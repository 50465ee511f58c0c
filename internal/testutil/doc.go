// Package testutil builds ForecastRun objects for tests and starts the
// pinned control plane through envtest.
package testutil
