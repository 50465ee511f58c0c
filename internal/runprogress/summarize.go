package runprogress

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// RetryNote starts the part of a running message that says the Job
// replaced failed runner Pods. The controller writes it from what it
// observes of the Job; Summarize keeps it, so that a runner's report does
// not erase it and the controller need not write it back.
const RetryNote = "; retrying after "

// Summarize folds the shard reports of the run's current hold into
// status.progress, estimates when the run completes, and says both in
// status.message once an item is done. It depends on the run alone, so the
// runner and the controller, given the same run, write the same summary.
func Summarize(run *v1alpha1.ForecastRun) {
	foldShards(run)
	if at, ok := EstimateCompletion(run); ok {
		run.Status.EstimatedCompletionTime = &metav1.Time{Time: at.Truncate(time.Second)}
	}
	pr := run.Status.Progress
	if pr == nil || pr.ItemsDone == 0 {
		return
	}
	eta := "unknown"
	if t := run.Status.EstimatedCompletionTime; t != nil {
		eta = t.UTC().Format(time.RFC3339)
	}
	msg := fmt.Sprintf("running: %s of items (%s), ETA %s; holds lock %s", pr.PercentText, pr.Items, eta, run.Spec.LockName)
	if _, retries, ok := strings.Cut(run.Status.Message, RetryNote); ok {
		msg += RetryNote + retries
	}
	run.Status.Message = msg
}

// SumShards adds up the shard reports that carry token. ok is false when
// none does. updated is the latest report's time and msg its message, so
// that the sum changes only when a report does.
func SumShards(shards []v1alpha1.ShardStatus, token string) (done, total int32, msg string, updated metav1.Time, ok bool) {
	for _, s := range shards {
		if s.FencingToken != token || token == "" {
			continue
		}
		ok = true
		done, total = done+s.ItemsDone, total+s.ItemsTotal
		if s.UpdatedAt != nil && !s.UpdatedAt.Before(&updated) {
			updated, msg = *s.UpdatedAt, s.Message
		}
	}
	return done, total, msg, updated, ok
}

// foldShards sums the current shards into status.progress. Runners resume
// from checkpoints, so a drop in items done while the total is unchanged
// only means some shards of a new hold have not reported yet; the progress
// then stays where it was rather than going backwards.
func foldShards(run *v1alpha1.ForecastRun) {
	done, total, msg, updated, ok := SumShards(run.Status.Shards, run.Status.FencingToken)
	if !ok {
		return
	}
	prev := run.Status.Progress
	if prev != nil && prev.ItemsTotal == total && done < prev.ItemsDone {
		return
	}
	p := &v1alpha1.Progress{Message: msg}
	p.SetCounts(done, total, updated)
	run.Status.Progress = p
}

// EstimateCompletion is when a running run is expected to finish: the time
// of its last report plus the time left at its throughput until then, or,
// before any report, its admission plus its estimated duration. ok is
// false when neither tells.
func EstimateCompletion(run *v1alpha1.ForecastRun) (time.Time, bool) {
	admitted, p := run.Status.AdmittedAt, run.Status.Progress
	if admitted == nil {
		return time.Time{}, false
	}
	if p != nil && p.ItemsDone > 0 && p.UpdatedAt != nil {
		// Both times are stored in whole seconds; a report in the second of
		// admission still took some time.
		elapsed := max(p.UpdatedAt.Sub(admitted.Time), time.Second)
		if left, ok := etaFromThroughput(p.ItemsDone, p.ItemsTotal, elapsed); ok {
			return p.UpdatedAt.Add(left), true
		}
	}
	if d := run.Status.EstimatedDuration; d != nil {
		return admitted.Add(d.Duration), true
	}
	return time.Time{}, false
}

// etaFromThroughput extrapolates the time left from the items done in
// elapsed. The elapsed time ends at the last progress report rather than
// now, so the estimate changes only when progress does and a pass that
// merely re-reads the run writes nothing.
func etaFromThroughput(done, total int32, elapsed time.Duration) (time.Duration, bool) {
	if done <= 0 || total <= 0 || elapsed <= 0 {
		return 0, false
	}
	left := max(total-done, 0)
	return time.Duration(float64(elapsed) * float64(left) / float64(done)), true
}
