package synth

import (
	"math"
	"math/rand/v2"

	"github.com/forecastrun/forecastrun/runner/sample"
)

// item is the recipe of one synthetic item's demand.
type item struct {
	class sample.DemandClass
	// level is the mean demand per period for smooth and erratic items and
	// the mean size of a demand for intermittent and lumpy ones.
	level float64
	// occurrence is the chance of any demand in a period (1: every period).
	occurrence float64
	// noise is the σ of the multiplicative log-normal noise on sizes.
	noise float64

	weekday  [7]float64  // multiplier by weekday, mean 1
	hour     [24]float64 // multiplier by hour of day, mean 1
	yearAmp  float64     // amplitude of the yearly cycle
	yearPeak float64     // where in the year it peaks, in [0, 1)

	growth  float64 // change of log level over the whole series
	shiftAt int     // period of a level shift; -1 for none
	shiftBy float64 // change of log level at the shift

	promos bool
}

// newItem draws an item of class c for a series of n periods.
func newItem(c sample.DemandClass, rng *rand.Rand, cal calendar, n int) item {
	it := item{class: c, occurrence: 1, shiftAt: -1}
	switch c {
	case sample.Smooth:
		it.level, it.noise = logUniform(rng, 5, 300), uniform(rng, 0.08, 0.25)
	case sample.Erratic:
		it.level, it.noise = logUniform(rng, 12, 200), uniform(rng, 0.9, 1.2)
	case sample.Intermittent:
		it.level, it.occurrence = uniform(rng, 1.2, 4), uniform(rng, 0.08, 0.4)
	case sample.Lumpy:
		it.level, it.occurrence, it.noise = logUniform(rng, 2, 25), uniform(rng, 0.05, 0.4), uniform(rng, 1.0, 1.4)
	}
	it.drawSeasons(rng, cal)
	it.drawTrend(rng, cal, n)
	it.promos = cal.promo.perYear > 0 && rng.Float64() < 0.6
	return it
}

// drawSeasons gives the item a retail weekly pattern (busier towards the
// weekend), a shop-hours daily pattern and a yearly cycle with its own peak.
func (it *item) drawSeasons(rng *rand.Rand, cal calendar) {
	weekend := uniform(rng, 0.05, 0.6)
	for d := range it.weekday {
		it.weekday[d] = 1 + uniform(rng, -0.05, 0.05)
		switch d {
		case 0, 6:
			it.weekday[d] += weekend
		case 5:
			it.weekday[d] += weekend / 2
		}
	}
	normalise(it.weekday[:])
	lunch, evening := uniform(rng, 0.5, 1.5), uniform(rng, 0.5, 1.5)
	for h := range it.hour {
		it.hour[h] = 0.3 + lunch*bump(float64(h), 12.5, 2) + evening*bump(float64(h), 18, 2)
	}
	normalise(it.hour[:])
	it.yearAmp, it.yearPeak = uniform(rng, 0, 0.35), rng.Float64()
}

// drawTrend picks one of: growth (30%), decline (20%), flat (35%) or a
// level shift such as a listing change (15%).
func (it *item) drawTrend(rng *rand.Rand, cal calendar, n int) {
	years := float64(n) / cal.periodsPerYear()
	switch u := rng.Float64(); {
	case u < 0.30:
		it.growth = min(uniform(rng, 0.1, 0.5)*years, 1)
	case u < 0.50:
		it.growth = -min(uniform(rng, 0.1, 0.5)*years, 1)
	case u < 0.85:
	default:
		it.shiftAt = int(uniform(rng, 0.3, 0.8) * float64(n))
		it.shiftBy = uniform(rng, 0.35, 0.7)
		if rng.Float64() < 0.5 {
			it.shiftBy = -it.shiftBy
		}
	}
}

// fill writes the item's demand into v, given a promotion multiplier per
// period. It allocates nothing.
func (it *item) fill(v, promo []float64, rng *rand.Rand, cal calendar) {
	n := len(v)
	trendStep := math.Exp(it.growth / float64(n))
	trend := 1.0
	year := newRotation(2*math.Pi*(cal.startYear-it.yearPeak), 2*math.Pi*cal.stepDays/daysPerYear)
	for t := range v {
		if t == it.shiftAt {
			trend *= math.Exp(it.shiftBy)
		}
		mean := it.level * trend * promo[t] * it.season(t, year.cos, cal)
		v[t] = it.draw(mean, promo[t], rng)
		trend *= trendStep
		year.advance()
	}
}

// season is the product of the seasonal multipliers at period t, given
// the cosine of its position in the yearly cycle.
func (it *item) season(t int, yearCos float64, cal calendar) float64 {
	s := 1 + it.yearAmp*yearCos
	if cal.weekdays {
		s *= it.weekday[cal.weekday(t)]
	}
	if cal.hours {
		s *= it.hour[cal.hour(t)]
	}
	return s
}

// rotation steps an angle by a fixed amount and keeps its cosine and sine
// by a rotation matrix, which costs four multiplications a period where
// math.Cos would dominate the generator's run time. Over a million steps
// the rounding error stays below 1e-9.
type rotation struct {
	cos, sin         float64
	stepCos, stepSin float64
}

func newRotation(start, step float64) rotation {
	return rotation{cos: math.Cos(start), sin: math.Sin(start), stepCos: math.Cos(step), stepSin: math.Sin(step)}
}

func (r *rotation) advance() {
	r.cos, r.sin = r.cos*r.stepCos-r.sin*r.stepSin, r.sin*r.stepCos+r.cos*r.stepSin
}

// draw samples one period's quantity. For sporadic items the calendar,
// trend and promotions move the chance of a demand rather than its size,
// which keeps intermittent sizes steady as the class requires.
func (it *item) draw(mean, promo float64, rng *rand.Rand) float64 {
	switch it.class {
	case sample.Smooth, sample.Erratic:
		return math.Round(mean * logNormal(rng, it.noise))
	case sample.Intermittent:
		if rng.Float64() >= min(it.occurrence*mean/it.level, 0.9) {
			return 0
		}
		return 1 + poisson(rng, it.level-1)
	}
	if rng.Float64() >= min(it.occurrence*mean/it.level, 0.9) {
		return 0
	}
	return math.Ceil(it.level * promo * logNormal(rng, it.noise))
}
