// Package runprogress folds a run's shard reports into what people watch:
// status.progress, status.estimatedCompletionTime and the running message.
//
// Both writers of a run's status call Summarize. The runner does it in the
// same write as its shard report, on the run it has just read, so that a
// step of progress is one update of the run (one line of
// `kubectl get forecastruns -w`) rather than the report followed by the
// controller's summary of it. The controller does it on every pass and
// finds nothing left to write; it still fills in the summary for a runner
// that reports only its shard.
package runprogress
