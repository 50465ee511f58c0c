package synth

import (
	"errors"
	"fmt"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

// Config describes a synthetic dataset.
type Config struct {
	// Items is the number of items (SKUs); Periods the length of each.
	Items, Periods int
	// Frequency of the periods; empty means daily.
	Frequency series.Frequency
	// Seed fixes every random choice: one seed, one dataset.
	Seed uint64
	// Start is the time of the first period; zero means 2024-01-01 UTC.
	Start time.Time
}

// DefaultStart is the first period of a Config without a Start.
var DefaultStart = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// maxCells keeps a mistyped flag from asking for more memory than a
// machine has: 8 GiB at 8 bytes a value. It also fits a 32-bit int.
const maxCells = 1 << 30

func (c Config) withDefaults() (Config, error) {
	if c.Frequency == "" {
		c.Frequency = series.Daily
	}
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	switch {
	case c.Items <= 0 || c.Periods <= 0:
		return c, fmt.Errorf("synthetic dataset needs positive items and periods, got %d and %d", c.Items, c.Periods)
	case !c.Frequency.Valid():
		return c, fmt.Errorf("synthetic dataset: unknown frequency %q", c.Frequency)
	case c.Items > maxCells/c.Periods:
		return c, errors.New("synthetic dataset: items × periods exceeds 2^30 values")
	}
	return c, nil
}
