package naive

import "github.com/forecastrun/forecastrun/runner/models"

// Naive forecasts every step with the last observation (R forecast naive()).
// Intervals assume a random walk: the variance grows linearly with h.
type Naive struct{}

// Name implements models.Model.
func (Naive) Name() string { return "Naive" }

// Fit implements models.Model. It needs at least two observations.
func (m Naive) Fit(y []float64) (models.Fitted, error) {
	return lagWalk{name: m.Name(), lag: 1}.fit(y)
}

// Seasonal forecasts each step with the observation one season earlier
// (R forecast snaive()). A Season of 1 or less behaves as Naive.
type Seasonal struct {
	// Season is the number of periods in one seasonal cycle, e.g. 7 for
	// daily data with a weekly pattern.
	Season int
}

// Name implements models.Model.
func (Seasonal) Name() string { return "SeasonalNaive" }

// Fit implements models.Model. It needs at least Season+1 observations.
func (m Seasonal) Fit(y []float64) (models.Fitted, error) {
	return lagWalk{name: m.Name(), lag: max(m.Season, 1)}.fit(y)
}

// Drift is the random walk with drift (R forecast rwf(drift = TRUE)): the
// line through the first and last observations, extended.
type Drift struct{}

// Name implements models.Model.
func (Drift) Name() string { return "RandomWalkWithDrift" }

// Fit implements models.Model. It needs at least three observations.
func (m Drift) Fit(y []float64) (models.Fitted, error) {
	return lagWalk{name: m.Name(), lag: 1, drift: true}.fit(y)
}
