package forecastcli

import (
	"slices"
	"strings"
	"time"

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

// parseETA reads a status ETA such as "2m10s".
func parseETA(s string) estimate {
	d, err := time.ParseDuration(s)
	if s == "" || err != nil {
		return estimate{}
	}
	return estimate{in: d, known: true}
}

// startEstimates is, for each queued run, the time until it starts: what is
// left of the holder plus the ETA of every run ahead. One unknown makes all
// later starts unknown.
func startEstimates(holderLeft estimate, queue []v1alpha1.ForecastRun) []estimate {
	out := make([]estimate, len(queue))
	acc := holderLeft
	for i := range queue {
		out[i] = acc
		own := parseETA(queue[i].Status.ETA)
		acc = estimate{in: acc.in + own.in, known: acc.known && own.known}
	}
	return out
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
