package adida

import "github.com/forecastrun/forecastrun/runner/models"

// Model is ADIDA or IMAPA; build it with those functions (the zero value is
// ADIDA). It is immutable and safe for concurrent use.
type Model struct {
	multiLevel bool
}

// ADIDA is the Aggregate–Disaggregate Intermittent Demand Approach
// (Nikolopoulos et al., 2011): the series is summed into non-overlapping
// buckets of k periods, k the mean interval between demands rounded, ending
// at the last observation; SES with an optimised constant forecasts the
// next bucket, and the forecast is spread evenly over its k periods.
func ADIDA() Model { return Model{} }

// IMAPA is the Intermittent Multiple Aggregation Prediction Algorithm
// (Petropoulos and Kourentzes, 2015), in its SES form: the average of the
// ADIDA forecasts at every aggregation level from 1 to the longest interval
// between demands, which is tsintermittent's default range. Averaging over
// levels removes the need to pick the one right bucket size.
func IMAPA() Model { return Model{multiLevel: true} }

// Name implements models.Model.
func (m Model) Name() string {
	if m.multiLevel {
		return "IMAPA"
	}
	return "ADIDA"
}

// Fit implements models.Model. Demand is a positive observation (a
// negative one is a return, which the buckets net against sales but which
// does not shorten the interval between demands); an
// all-zero series forecasts zero.
func (m Model) Fit(y []float64) (models.Fitted, error) {
	if len(y) < 1 {
		return nil, models.TooShort(m.Name(), len(y), 1)
	}
	levels := m.levels(y)
	prefix := prefixSums(y)
	buf := make([]float64, len(y))
	for i := range levels {
		levels[i].alpha = optimiseAlpha(bucketSums(prefix, levels[i].size, buf))
	}
	return m.fitWith(prefix, levels, buf), nil
}

// level is one aggregation level and its smoothing constant.
type level struct {
	size  int
	alpha float64
}

func (m Model) levels(y []float64) []level {
	if !m.multiLevel {
		return []level{{size: adidaLevel(y)}}
	}
	_, longest := demandIntervals(y)
	out := make([]level, longest)
	for i := range out {
		out[i].size = i + 1
	}
	return out
}
