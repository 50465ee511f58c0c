package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
)

// classMix is the share of each demand class, roughly what a grocery or
// hardware catalogue shows: most items sell steadily, a quarter sporadically.
var classMix = []struct {
	class sample.DemandClass
	share float64
}{
	{sample.Smooth, 0.40},
	{sample.Erratic, 0.20},
	{sample.Intermittent, 0.25},
	{sample.Lumpy, 0.15},
}

// Generate builds a synthetic retail dataset: items "SKU-00001" onwards
// with smooth, erratic, intermittent and lumpy demand in the proportions
// 40/20/25/15, seasonality suited to the frequency (weekday, time of day,
// yearly), growth, decline or level shifts, promotions with a dip after
// them, non-negative integer quantities and a few missing cells. The same
// Config always gives the same dataset, and item i is the same whatever
// the number of items. The classes are what each item is drawn as;
// sample.Classify agrees for nearly all daily items, while on hourly data
// it reads the time-of-day cycle as size variation and calls many smooth
// items erratic.
func Generate(cfg Config) (*series.Dataset, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cal := newCalendar(cfg.Frequency, cfg.Start)
	offset := rand.New(rand.NewPCG(cfg.Seed, 0)).Float64()
	cells := make([]float64, cfg.Items*cfg.Periods) // one allocation for every value
	promo := make([]float64, cfg.Periods)           // reused by every item
	ds := &series.Dataset{Frequency: cfg.Frequency, Items: make([]series.Series, cfg.Items)}
	for i := range ds.Items {
		// A stream per item: an item's values do not depend on the others.
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1))
		v := cells[i*cfg.Periods : (i+1)*cfg.Periods : (i+1)*cfg.Periods]
		it := newItem(classOf(i, offset), rng, cal, cfg.Periods)
		promotions(promo, it.promos, cal, rng)
		it.fill(v, promo, rng, cal)
		dropCells(v, rng)
		ds.Items[i] = series.Series{ID: fmt.Sprintf("SKU-%05d", i+1), Start: cfg.Start, Values: v}
	}
	return ds, nil
}

// classOf picks item i's class from the golden-ratio sequence, whose
// points spread evenly over [0, 1) for every prefix: any number of items
// gets close to the classMix shares, and item i's class does not depend on
// how many items there are, so a larger dataset extends a smaller one.
func classOf(i int, offset float64) sample.DemandClass {
	const goldenFraction = 0.6180339887498949
	_, u := math.Modf(offset + float64(i)*goldenFraction)
	for _, m := range classMix {
		if u < m.share {
			return m.class
		}
		u -= m.share
	}
	return classMix[len(classMix)-1].class
}

// promotions writes a demand multiplier per period into m: 1 normally, an
// uplift during a promotion and a dip just after it, when customers who
// stocked up buy less.
func promotions(m []float64, on bool, cal calendar, rng *rand.Rand) {
	for t := range m {
		m[t] = 1
	}
	shape := cal.promo
	if !on {
		return
	}
	meanGap := cal.periodsPerYear() / shape.perYear
	t := int(rng.ExpFloat64() * meanGap)
	for t < len(m) {
		length := shape.minLen + rng.IntN(shape.maxLen-shape.minLen+1)
		uplift, dip := uniform(rng, 1.5, 3), uniform(rng, 0.6, 0.85)
		for k := t; k < min(t+length, len(m)); k++ {
			m[k] = uplift
		}
		for k := t + length; k < min(t+length+shape.dipLen, len(m)); k++ {
			m[k] = dip
		}
		t += length + shape.dipLen + int(rng.ExpFloat64()*meanGap)
	}
}

// dropCells blanks one to three cells in one item of five, the way a
// failed store upload leaves holes in a real export.
func dropCells(v []float64, rng *rand.Rand) {
	if rng.Float64() >= 0.2 {
		return
	}
	for range 1 + rng.IntN(3) {
		v[rng.IntN(len(v))] = math.NaN()
	}
}
