package schedule

import (
	"fmt"
	"time"
)

// Clock is the scheduler's time source. The scheduler reads the time from
// it and converts its waits back to real time, so that a fast clock can
// play an hourly schedule in seconds without changing any other logic.
type Clock interface {
	// Now is the current time on this clock.
	Now() time.Time
	// RealWait is the real time that passes while d passes on this clock.
	RealWait(d time.Duration) time.Duration
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// RealWait returns d unchanged.
func (RealClock) RealWait(d time.Duration) time.Duration { return d }

// FastClock runs Speed times faster than the wall clock from Start on: at
// real time Start it reads Start, and one real second later Start plus
// Speed seconds. Two managers given the same Start and Speed read the same
// time, which is what lets a restarted manager carry on where the other
// stopped. It exists for end-to-end tests and demos of schedules.
type FastClock struct {
	Start time.Time
	Speed float64
}

// NewFastClock returns a clock running speed times faster than real time
// from start on.
func NewFastClock(start time.Time, speed float64) (FastClock, error) {
	if !(speed >= 1) {
		return FastClock{}, fmt.Errorf("clock speed must be at least 1, got %v", speed)
	}
	return FastClock{Start: start, Speed: speed}, nil
}

// Now returns Start plus Speed times the real time elapsed since Start.
func (c FastClock) Now() time.Time {
	return c.Start.Add(time.Duration(float64(time.Since(c.Start)) * c.Speed))
}

// RealWait returns d divided by Speed.
func (c FastClock) RealWait(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.Speed)
}
