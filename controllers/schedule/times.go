package schedule

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// maxCounted bounds how many missed times a pass counts one by one. Beyond
// it the latest due time is found by a search that takes a few dozen steps
// however long the manager was away.
const maxCounted = 100

// parseSchedule reads spec.schedule in spec.timeZone. The API server has
// already checked the expression's shape; this finds the errors only a cron
// parser can (a minute of 61, a month named Smarch) and unknown zones.
func parseSchedule(spec *v1alpha1.ForecastScheduleSpec) (cron.Schedule, error) {
	loc := time.UTC
	if spec.TimeZone != "" {
		var err error
		if loc, err = time.LoadLocation(spec.TimeZone); err != nil {
			return nil, fmt.Errorf("unknown timeZone %q: use an IANA name such as Europe/Berlin or America/New_York", spec.TimeZone)
		}
	}
	sched, err := cron.ParseStandard(spec.Schedule)
	if err != nil {
		return nil, fmt.Errorf("cannot read schedule %q: %v", spec.Schedule, err)
	}
	spec5, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("schedule %q is not a calendar schedule: use five cron fields or @daily, @hourly and the like", spec.Schedule)
	}
	spec5.Location = loc
	return spec5, nil
}

// latestDue returns the latest scheduled time in (after, now] and how many
// scheduled times fall in that interval, counted up to maxCounted (a count
// of maxCounted means "at least"). It returns the zero time when none is
// due.
func latestDue(sched cron.Schedule, after, now time.Time) (time.Time, int) {
	var latest time.Time
	t := sched.Next(after)
	for n := 0; !t.IsZero() && !t.After(now); n++ {
		if n == maxCounted {
			return latestBefore(sched, now), maxCounted
		}
		latest = t
		t = sched.Next(t)
	}
	if latest.IsZero() {
		return latest, 0
	}
	return latest, countUpTo(sched, after, latest)
}

// countUpTo counts the scheduled times in (after, until].
func countUpTo(sched cron.Schedule, after, until time.Time) int {
	n := 0
	for t := sched.Next(after); !t.IsZero() && !t.After(until); t = sched.Next(t) {
		n++
	}
	return n
}

// latestBefore finds the latest scheduled time at or before now when there
// are too many to walk through: it doubles a look-back window until the
// window holds a scheduled time, then walks that window, which holds few
// since the half of it nearest now held none.
func latestBefore(sched cron.Schedule, now time.Time) time.Time {
	for back := time.Minute; back < 200*365*24*time.Hour; back *= 2 {
		start := now.Add(-back)
		if t := sched.Next(start); !t.IsZero() && !t.After(now) {
			var latest time.Time
			for ; !t.IsZero() && !t.After(now); t = sched.Next(t) {
				latest = t
			}
			return latest
		}
	}
	return time.Time{}
}

// runName is the deterministic name of the run for a scheduled time:
// <schedule>-<YYYYMMDD>-<HHMM>, the time in UTC so that the name is the same
// whatever the schedule's zone and cannot repeat when clocks go back.
func runName(schedule string, at time.Time) string {
	return schedule + "-" + at.UTC().Format("20060102-1504")
}
