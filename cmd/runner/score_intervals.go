package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/forecastrun/forecastrun/runner/metrics"
)

// scoredLevels are the interval levels `runner score` reports: the
// coverage of each, and the M4 interval score (MSIS) at the last.
var scoredLevels = []float64{80, 95}

// bounds are one item's interval at one level, by step.
type bounds struct{ lo, hi []float64 }

// methodBounds is method → item → level → bounds.
type methodBounds map[string]map[string]map[float64]*bounds

// readBounds reads the lo_<L> and hi_<L> columns of scoredLevels that a
// forecasts CSV has; methods are named as readForecasts names them. Empty
// cells are missing bounds.
func readBounds(path, label string) (methodBounds, error) {
	rows, err := readCSVFile(path)
	if err != nil {
		return nil, err
	}
	col, err := columnIndexes(path, rows[0], "item_id", "step", "model")
	if err != nil {
		return nil, err
	}
	type levelCols struct {
		level  float64
		lo, hi int
	}
	var levels []levelCols
	for _, l := range scoredLevels {
		name := strconv.FormatFloat(l, 'f', -1, 64)
		lo, hi := slices.Index(rows[0], "lo_"+name), slices.Index(rows[0], "hi_"+name)
		if lo >= 0 && hi >= 0 {
			levels = append(levels, levelCols{l, lo, hi})
		}
	}
	out := methodBounds{}
	for line, row := range rows[1:] {
		method := row[col[2]]
		if label != "" {
			method = label
		}
		step, _ := strconv.Atoi(row[col[1]]) // readForecasts has checked it
		for _, lc := range levels {
			if lc.hi >= len(row) || row[lc.lo] == "" || row[lc.hi] == "" {
				continue
			}
			lo, err1 := strconv.ParseFloat(row[lc.lo], 64)
			hi, err2 := strconv.ParseFloat(row[lc.hi], 64)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("%s:%d: bad %v%% bounds %q, %q", path, line+2, lc.level, row[lc.lo], row[lc.hi])
			}
			b := out.at(method, row[col[0]], lc.level)
			b.lo, b.hi = setStep(b.lo, step, lo), setStep(b.hi, step, hi)
		}
	}
	return out, nil
}

func (m methodBounds) at(method, item string, level float64) *bounds {
	if m[method] == nil {
		m[method] = map[string]map[float64]*bounds{}
	}
	if m[method][item] == nil {
		m[method][item] = map[float64]*bounds{}
	}
	b := m[method][item][level]
	if b == nil {
		b = &bounds{}
		m[method][item][level] = b
	}
	return b
}

// intervalScore accumulates coverage per scored level over all observed
// test points, and MSIS per item at the last scored level.
type intervalScore struct {
	covered, points [2]int
	msis            meanAcc
}

// add scores one item's intervals (level → bounds) against actual.
func (s *intervalScore) add(actual []float64, ivs map[float64]*bounds, scale metrics.Scale) {
	for k, level := range scoredLevels {
		b := ivs[level]
		if b == nil {
			continue
		}
		for j, a := range actual {
			if math.IsNaN(a) || j >= len(b.lo) || j >= len(b.hi) || math.IsNaN(b.lo[j]) || math.IsNaN(b.hi[j]) {
				continue
			}
			s.points[k]++
			if a >= b.lo[j] && a <= b.hi[j] {
				s.covered[k]++
			}
		}
	}
	last := scoredLevels[len(scoredLevels)-1]
	if b := ivs[last]; b != nil && len(b.lo) >= len(actual) && len(b.hi) >= len(actual) {
		s.msis.add(metrics.MSIS(actual, b.lo[:len(actual)], b.hi[:len(actual)], last, scale))
	}
}

// coverage is the share of points in the interval at scoredLevels[k], in
// percent; NaN without intervals.
func (s intervalScore) coverage(k int) float64 {
	if s.points[k] == 0 {
		return math.NaN()
	}
	return 100 * float64(s.covered[k]) / float64(s.points[k])
}

// volume accumulates the bias of a method over every observed test point,
// and how many items it forecast as all zero.
type volume struct {
	forecast, actual float64
	zeroItems, items int
}

func (v *volume) add(actual, f []float64) {
	zero := true
	for j, a := range actual {
		zero = zero && f[j] == 0
		if !math.IsNaN(a) {
			v.forecast += f[j]
			v.actual += a
		}
	}
	v.items++
	if zero {
		v.zeroItems++
	}
}

// biasPercent is how far the forecasts summed over every point exceed the
// actuals, in percent of the actuals.
func (v volume) biasPercent() float64 {
	if v.actual == 0 {
		return math.NaN()
	}
	return 100 * (v.forecast - v.actual) / v.actual
}

func (v volume) zeroPercent() float64 {
	if v.items == 0 {
		return math.NaN()
	}
	return 100 * float64(v.zeroItems) / float64(v.items)
}

// formatOptional formats v with the given decimals, "-" for NaN.
func formatOptional(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}
