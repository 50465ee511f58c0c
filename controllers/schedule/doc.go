// Package schedule holds the ForecastSchedule reconciler. A schedule turns a
// cron expression into ForecastRuns named after their scheduled time, so
// that however often it is reconciled, by however many manager restarts, a
// scheduled time yields at most one run. The lock, queue and Job of each run
// are the ForecastRun reconciler's business, not this package's.
//
// Each concern has its own file: clock.go (the time source, which tests and
// the e2e suite replace), times.go (reading the schedule and finding the
// time that is due), runs.go (creating, replacing and naming runs),
// history.go (pruning finished runs) and status.go.
package schedule
