package tournament

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/sample"
)

// Calibration is what an item contributes to the intervals of its demand
// family and what it needs to receive them: the winner's backtest errors
// on a scale common to all items, and that scale for its own forecast.
//
// The intervals are normalised split-conformal (Lei et al. 2018;
// Angelopoulos and Bates 2023): an item's backtest error actual − forecast
// at step j of window k, divided by the item's error level measured on its
// other windows only, is a ratio whose distribution the items of one
// demand class share. Pooling those ratios over the class gives hundreds
// of errors per step, where one item has three, so a 95% bound rests on a
// measured quantile instead of the largest of a handful of errors;
// dividing by the item's own error level keeps easy items narrow and hard
// ones wide. The quantiles are taken apart for the lower and the upper
// bound, so sparse demand, which errs little below and much above, gets
// asymmetric intervals; and the bounds of non-negative items stop at zero.
//
// An error level from two or three short windows is itself noisy, more so
// for sparse demand, where a window may hold no sale: the level is the
// root mean square of the backtest errors shrunk towards the item's naive
// in-sample error, which counts as priorWeight errors (see errorLevel).
// Measured on the shared splits and a synthetic holdout, the shrunk level
// calibrates better than the raw one, whose noise makes the pooled ratios
// heavy-tailed and the intervals too wide for sparse items.
type Calibration struct {
	// Ratios[j] are the item's scaled backtest errors at step j+1, over
	// the windows where the actual was observed.
	Ratios [][]float32
	// Sigma is the item's error level over all its windows. The bounds
	// are Mean + quantile(ratio) × Sigma.
	Sigma float64
	// NonNegative items (every observation ≥ 0) get no negative bound.
	NonNegative bool
	// Family is the pool the item belongs to: its demand class.
	Family string
}

// priorWeight is how many backtest errors the naive in-sample error counts
// as in an item's error level. With the default backtest an item has 3 ×
// horizon errors, so the prior weighs a tenth to a third: enough to steady
// a level measured on windows without demand, little where the backtest
// says much.
const priorWeight = 10

// String formats the calibration's content, not its address, so that
// results print the same wherever they were computed.
func (c *Calibration) String() string {
	if c == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%+v", *c)
}

// Quantile is a forecast quantile: at each step, the value demand stays at
// or below with probability Prob.
type Quantile struct {
	Prob   float64
	Values []float64
}

// minCalibrationPool is how many ratios a step's quantiles should rest
// on. A family-and-step pool with fewer borrows the neighbouring steps,
// then the other families, as a 2.5% quantile of a few dozen values is
// little better than their minimum.
const minCalibrationPool = 200

// calibrationFamily names the pool of a demand class: the class itself.
// (Pooling smooth with erratic items made the first too narrow and the
// second too wide on the synthetic holdout.)
func calibrationFamily(c sample.DemandClass) string { return string(c) }

// newCalibration builds an item's calibration from the winner's backtest
// errors errs (forecast − actual, windows × steps, NaN where unobserved).
// priorMSE is the item's naive in-sample mean squared error, towards which
// its error level is shrunk.
func newCalibration(errs []float64, steps int, priorMSE float64, nonNegative bool, c sample.DemandClass) *Calibration {
	windows := len(errs) / steps
	cal := &Calibration{Ratios: make([][]float32, steps), NonNegative: nonNegative, Family: calibrationFamily(c)}
	cal.Sigma = errorLevel(errs, -1, steps, priorMSE)
	for k := range windows {
		// Window k's errors are scaled by the level of the other windows,
		// as the final forecast's will be by the level of all of them: an
		// error is never divided by a level it helped to make.
		sigma := errorLevel(errs, k, steps, priorMSE)
		if !(sigma > 0) {
			continue
		}
		for j, e := range errs[k*steps : (k+1)*steps] {
			if !math.IsNaN(e) {
				cal.Ratios[j] = append(cal.Ratios[j], float32(-e/sigma))
			}
		}
	}
	return cal
}

// errorLevel is the root mean square of the observed errors outside
// window skip (every window when skip < 0, or when there is only one)
// together with priorWeight errors of mean square priorMSE.
func errorLevel(errs []float64, skip, steps int, priorMSE float64) float64 {
	windows := len(errs) / steps
	var sum float64
	n := 0
	for k := range windows {
		if k == skip && windows > 1 {
			continue
		}
		for _, e := range errs[k*steps : (k+1)*steps] {
			if !math.IsNaN(e) {
				sum += e * e
				n++
			}
		}
	}
	return math.Sqrt((sum + priorWeight*priorMSE) / float64(n+priorWeight))
}

// Calibrate gives every item with a Calibration its intervals at c.Levels
// and its quantiles at c.Quantiles, from the ratios pooled over the items
// of its family. Run calls it on its items; a runner that merges shards or
// resumes from a checkpoint calls it again on all of them, so that the
// pools hold every item of the run.
func (c Config) Calibrate(items []ItemResult) error {
	levels, err := normaliseLevels(c.Levels)
	if err != nil {
		return err
	}
	probs, err := normaliseQuantiles(c.Quantiles)
	if err != nil {
		return err
	}
	calibrate(items, levels, probs)
	return nil
}

// calibrate is Calibrate with normalised levels and probabilities.
func calibrate(items []ItemResult, levels, probs []float64) {
	pools := newPools(items)
	for i := range items {
		if cal := items[i].Calibration; cal != nil {
			applyCalibration(&items[i], pools.quantilesFor(cal, len(items[i].Forecast.Mean), levels, probs), levels, probs)
		}
	}
}

// pools holds the sorted ratios per family and step, and all families'
// per step.
type pools struct {
	byFamily map[string][][]float64
	all      [][]float64
	cache    map[string]*stepQuantiles
	whole    map[string][]float64 // see wholeOf
}

func newPools(items []ItemResult) *pools {
	p := &pools{byFamily: map[string][][]float64{}, cache: map[string]*stepQuantiles{}}
	for _, it := range items {
		cal := it.Calibration
		if cal == nil {
			continue
		}
		fam := p.byFamily[cal.Family]
		for j, rs := range cal.Ratios {
			for len(fam) <= j {
				fam = append(fam, nil)
			}
			for len(p.all) <= j {
				p.all = append(p.all, nil)
			}
			for _, r := range rs {
				fam[j] = append(fam[j], float64(r))
				p.all[j] = append(p.all[j], float64(r))
			}
		}
		p.byFamily[cal.Family] = fam
	}
	for _, fam := range p.byFamily {
		for _, rs := range fam {
			slices.Sort(rs)
		}
	}
	for _, rs := range p.all {
		slices.Sort(rs)
	}
	return p
}

// stepQuantiles are the quantiles of one pool: q[k][j] at probability
// probs[k] (levels' lower bounds, their upper bounds, then the quantile
// probabilities) and step j.
type stepQuantiles struct {
	probs []float64
	q     [][]float64
}

// quantilesFor returns the quantiles for cal's family, computed once per
// family.
func (p *pools) quantilesFor(cal *Calibration, horizon int, levels, probs []float64) *stepQuantiles {
	if sq, ok := p.cache[cal.Family]; ok {
		return sq
	}
	ps := make([]float64, 0, 2*len(levels)+len(probs))
	for _, l := range levels {
		ps = append(ps, (1-l/100)/2)
	}
	for _, l := range levels {
		ps = append(ps, 1-(1-l/100)/2)
	}
	ps = append(ps, probs...)
	steps := len(p.all)
	sq := &stepQuantiles{probs: ps, q: make([][]float64, len(ps))}
	for k := range ps {
		sq.q[k] = make([]float64, steps)
	}
	buf := []float64{}
	for j := range steps {
		pool := p.poolAt(cal.Family, j, &buf)
		for k, prob := range ps {
			sq.q[k][j] = quantile(pool, prob)
		}
	}
	for k, prob := range ps {
		monotoneOverSteps(sq.q[k], prob)
	}
	p.cache[cal.Family] = sq
	return sq
}

// poolAt returns the sorted ratios for step j of family: the family's own
// when it has minCalibrationPool of them, else the family's over steps
// j-r..j+r widened until it has, else all families' likewise.
func (p *pools) poolAt(family string, j int, buf *[]float64) []float64 {
	if p.whole == nil {
		p.whole = map[string][]float64{}
	}
	fam := p.byFamily[family]
	if rs := widen(fam, j, buf, func() []float64 { return p.wholeOf(family, fam) }); len(rs) >= minCalibrationPool {
		return rs
	}
	return widen(p.all, j, buf, func() []float64 { return p.wholeOf("\x00all", p.all) })
}

// wholeOf is the sorted ratios of every step of steps, computed once per
// key: the pool of every step when there are fewer than
// minCalibrationPool in all, as for an item calibrated alone, whose
// quantiles would otherwise gather and sort them again for each step.
func (p *pools) wholeOf(key string, steps [][]float64) []float64 {
	if w, ok := p.whole[key]; ok {
		return w
	}
	var w []float64
	for _, rs := range steps {
		w = append(w, rs...)
	}
	slices.Sort(w)
	p.whole[key] = w
	return w
}

// widen gathers steps around j until minCalibrationPool ratios or every
// step are in; the result is sorted and may be buf's storage, or whole's
// result when every step is needed.
func widen(steps [][]float64, j int, buf *[]float64, whole func() []float64) []float64 {
	if j < len(steps) && len(steps[j]) >= minCalibrationPool {
		return steps[j]
	}
	total := 0
	for _, rs := range steps {
		total += len(rs)
	}
	if total < minCalibrationPool {
		return whole()
	}
	*buf = (*buf)[:0]
	if j < len(steps) {
		*buf = append(*buf, steps[j]...)
	}
	for r := 1; ; r++ {
		// steps j-r..j+r within the bounds, added a ring at a time
		lo, hi := max(0, j-r), min(len(steps)-1, j+r)
		if j-r >= 0 && j-r < len(steps) {
			*buf = append(*buf, steps[j-r]...)
		}
		if j+r < len(steps) {
			*buf = append(*buf, steps[j+r]...)
		}
		if len(*buf) >= minCalibrationPool || (lo == 0 && hi == len(steps)-1) {
			slices.Sort(*buf)
			return *buf
		}
	}
}

// quantile of sorted at probability p, interpolating between order
// statistics (R's type 7); NaN for an empty pool.
func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := float64(len(sorted)-1) * p
	i := int(h)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// monotoneOverSteps makes a quantile's path over the horizon move away
// from the centre: an upper quantile (p ≥ 0.5) does not fall with the
// step, a lower one does not rise, since uncertainty does not shrink with
// lead time. It fits the least-squares monotone path (nonDecreasing), so
// one noisy step does not move every later one.
func monotoneOverSteps(q []float64, p float64) {
	if p >= 0.5 {
		nonDecreasing(q)
		return
	}
	for i := range q {
		q[i] = -q[i]
	}
	nonDecreasing(q)
	for i := range q {
		q[i] = -q[i]
	}
}

// nonDecreasing replaces v by its least-squares non-decreasing fit (the pool
// adjacent violators algorithm). Unlike a running maximum it does not let
// one noisy early step widen every later one, and it keeps the order
// between levels: a pointwise larger input gives a pointwise larger fit.
func nonDecreasing(v []float64) {
	type block struct {
		sum   float64
		count int
	}
	blocks := make([]block, 0, len(v))
	for _, x := range v {
		blocks = append(blocks, block{x, 1})
		for n := len(blocks); n > 1 && blocks[n-2].sum*float64(blocks[n-1].count) > blocks[n-1].sum*float64(blocks[n-2].count); n-- {
			blocks[n-2].sum += blocks[n-1].sum
			blocks[n-2].count += blocks[n-1].count
			blocks = blocks[:n-1]
		}
	}
	i := 0
	for _, b := range blocks {
		for range b.count {
			v[i] = b.sum / float64(b.count)
			i++
		}
	}
}

// applyCalibration sets the item's intervals and quantiles from sq. Steps
// beyond the pools' (a horizon longer than the backtest's) keep the last
// step's quantile, grown with the square root of lead time.
func applyCalibration(it *ItemResult, sq *stepQuantiles, levels, probs []float64) {
	cal, mean := it.Calibration, it.Forecast.Mean
	bound := func(k, j int) float64 {
		steps := len(sq.q[k])
		jj := min(j, steps-1)
		var q float64
		switch {
		case steps == 0 || math.IsNaN(sq.q[k][jj]):
			// No backtest errors in the whole run: the normal
			// distribution, widening as a random walk's.
			q = distuv.UnitNormal.Quantile(sq.probs[k]) * math.Sqrt(float64(j+1))
		case j > jj:
			q = sq.q[k][jj] * math.Sqrt(float64(j+1)/float64(jj+1))
		default:
			q = sq.q[k][jj]
		}
		v := mean[j] + q*cal.Sigma
		if cal.NonNegative {
			v = max(v, 0)
		}
		return v
	}
	it.Forecast.Intervals = make([]models.Interval, len(levels))
	for l, level := range levels {
		iv := models.Interval{Level: level, Lower: make([]float64, len(mean)), Upper: make([]float64, len(mean))}
		for j := range mean {
			iv.Lower[j], iv.Upper[j] = min(bound(l, j), mean[j]), max(bound(len(levels)+l, j), mean[j])
		}
		it.Forecast.Intervals[l] = iv
	}
	it.Quantiles = make([]Quantile, len(probs))
	for k, prob := range probs {
		qv := Quantile{Prob: prob, Values: make([]float64, len(mean))}
		for j := range mean {
			qv.Values[j] = bound(2*len(levels)+k, j)
			if k > 0 { // keep quantiles in the order of their probabilities
				qv.Values[j] = max(qv.Values[j], it.Quantiles[k-1].Values[j])
			}
		}
		it.Quantiles[k] = qv
	}
	it.Conformal = true
}
