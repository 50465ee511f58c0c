// Package notify holds the notifier: a reconciler that tells the receivers
// a run's spec.notify names when the run reaches one of their phases, and
// records every message in status.notifications.
//
// It is a controller of its own, beside the ForecastRun reconciler, so
// that a slow or broken webhook never delays the lock or the queue: it
// only reads a run's status and owns one list in it (through server-side
// apply), which no one else writes.
//
// Delivery is at least once. A pass reads the run, plans in a pure
// function (plan.go) which messages are due, records the attempt before
// the message leaves (so a manager that stops mid-delivery sends it again
// after its restart, with the same event ID, which receivers use to drop
// repeats), sends (deliver.go; message shapes in message.go), and records
// the outcome, retrying with backoff until a receiver accepts it or the
// attempts run out.
package notify
