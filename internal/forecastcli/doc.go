// Package forecastcli implements `kubectl forecast`, the kubectl plugin that
// starts, queues, inspects, cancels and reruns ForecastRuns. Each subcommand
// is a cobra command built by NewRootCommand, so tests run the same code as
// the binary against a real API server.
package forecastcli
