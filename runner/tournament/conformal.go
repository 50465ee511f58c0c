package tournament

import (
	"math"
	"slices"

	"github.com/forecastrun/forecastrun/runner/models"
)

// minConformalPool is how many backtest errors a step's interval should rest
// on. With 3 windows a step has only 3 errors of its own, and the 95%
// quantile of 3 values is just their maximum; borrowing the errors of
// neighbouring steps gives a steadier width at the cost of some smoothing
// across the horizon.
const minConformalPool = 10

// conformalIntervals builds split-conformal intervals around mean from the
// backtest errors errs (windows × steps, NaN where the actual was
// missing), of which it takes the absolute values. For step j the pool is the errors of steps j-r..j+r across all
// windows, with r the smallest radius giving minConformalPool errors (or all
// steps). The half-width at level L is the ⌈(n+1)·L/100⌉-th smallest of the
// n pooled errors (the largest when that exceeds n). Widths are then made
// non-decreasing along the horizon by isotonic regression, since uncertainty
// does not shrink with lead time, and steps beyond the backtest horizon grow with the square root
// of lead time from the last backtested step. It returns nil when no error
// was observed. scratch is reused between calls.
func conformalIntervals(mean, errs []float64, steps int, levels []float64, scratch *[]float64) []models.Interval {
	backtested := min(steps, len(mean))
	widths := make([][]float64, len(levels))
	for k := range levels {
		widths[k] = make([]float64, backtested)
	}
	for j := range backtested {
		pool := pooledErrors(errs, steps, j, (*scratch)[:0])
		*scratch = pool
		if len(pool) == 0 {
			return nil
		}
		slices.Sort(pool)
		for k, level := range levels {
			widths[k][j] = conformalQuantile(pool, level/100)
		}
	}
	out := make([]models.Interval, len(levels))
	for k, level := range levels {
		nonDecreasing(widths[k])
		out[k] = intervalFromWidths(level, mean, widths[k])
	}
	return out
}

// intervalFromWidths centres the half-widths on mean, extending the last
// width with the square root of lead time beyond the backtested steps.
func intervalFromWidths(level float64, mean, widths []float64) models.Interval {
	iv := models.Interval{Level: level, Lower: make([]float64, len(mean)), Upper: make([]float64, len(mean))}
	last := len(widths) - 1
	for j := range mean {
		w := widths[min(j, last)]
		if j > last {
			w *= math.Sqrt(float64(j+1) / float64(last+1))
		}
		setBounds(iv, mean, j, w)
	}
	return iv
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

func setBounds(iv models.Interval, mean []float64, j int, width float64) {
	iv.Lower[j] = mean[j] - width
	iv.Upper[j] = mean[j] + width
}

// pooledErrors appends to pool the observed errors of steps around j, widening
// the neighbourhood until it holds minConformalPool errors or every step.
func pooledErrors(errs []float64, steps, j int, pool []float64) []float64 {
	windows := len(errs) / steps
	for r := 0; ; r++ {
		pool = pool[:0]
		lo, hi := max(0, j-r), min(steps-1, j+r)
		for w := range windows {
			for _, e := range errs[w*steps+lo : w*steps+hi+1] {
				if !math.IsNaN(e) {
					pool = append(pool, math.Abs(e))
				}
			}
		}
		if len(pool) >= minConformalPool || (lo == 0 && hi == steps-1) {
			return pool
		}
	}
}

// conformalQuantile is the finite-sample conformal quantile of sorted at
// probability q.
func conformalQuantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	k := int(math.Ceil(float64(n+1) * q))
	return sorted[min(max(k, 1), n)-1]
}
