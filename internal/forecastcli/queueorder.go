package forecastcli

import (
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// queueOrder sorts the waiting runs as the controller placed them: by the
// status.queuePosition it wrote, and by its own rule where it has written
// none yet (those go last, since the controller has not counted them) or
// two positions tie (a stale write). Positions shown are the places in
// this order, so a run that left the queue leaves no gap.
func queueOrder(runs []v1alpha1.ForecastRun) []v1alpha1.ForecastRun {
	out := slices.Clone(runs)
	slices.SortStableFunc(out, func(a, b v1alpha1.ForecastRun) int {
		pa, pb := a.Status.QueuePosition, b.Status.QueuePosition
		switch {
		case pa != nil && pb == nil:
			return -1
		case pa == nil && pb != nil:
			return 1
		case pa != nil && *pa != *pb:
			return int(*pa - *pb)
		}
		return v1alpha1.QueueOrder(&a, &b)
	})
	return out
}

// estimate is a time left or a start time that may be unknown.
type estimate struct {
	in    time.Duration
	known bool
}

// until is the time from now until t, never negative; unknown when t is
// nil.
func until(t *metav1.Time, now time.Time) estimate {
	if t == nil {
		return estimate{}
	}
	return estimate{in: max(t.Sub(now), 0), known: true}
}

// expectedDuration is a run's status.estimatedDuration.
func expectedDuration(run *v1alpha1.ForecastRun) estimate {
	if d := run.Status.EstimatedDuration; d != nil {
		return estimate{in: d.Duration, known: true}
	}
	return estimate{}
}

// startEstimates is, for each queued run, the time until it starts: what is
// left of the holder plus the estimated duration of every run ahead. One
// unknown makes all later starts unknown.
func startEstimates(holderLeft estimate, queue []v1alpha1.ForecastRun) []estimate {
	out := make([]estimate, len(queue))
	acc := holderLeft
	for i := range queue {
		out[i] = acc
		own := expectedDuration(&queue[i])
		acc = estimate{in: acc.in + own.in, known: acc.known && own.known}
	}
	return out
}

// duration renders an estimate as a duration: "2m10s" or "unknown".
func (e estimate) duration() string {
	if !e.known {
		return "unknown"
	}
	return shortDuration(e.in)
}

// String renders an estimated start: "in 2m10s", "now" or "unknown".
func (e estimate) String() string {
	switch {
	case !e.known:
		return "unknown"
	case e.in <= 0:
		return "now"
	}
	return "in " + shortDuration(e.in)
}

// shortDuration is a duration to the second without zero tails: "1m",
// "2h", "3m30s" rather than "1m0s" and "2h0m0s".
func shortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
