package mstl

import (
	"fmt"
	"slices"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/ets"
	"github.com/forecastrun/forecastrun/runner/models/internal/stl"
)

// Model is MSTL with a set of seasonal periods. It is immutable and safe
// for concurrent use.
type Model struct {
	periods []int
}

// New returns MSTL for the given seasonal periods. Periods below 2 are
// ignored; a series too short for a period (fewer than two full cycles, as
// R's mstl requires) is decomposed without it, and one too short for all
// is forecast by AutoETS alone.
func New(periods ...int) Model {
	ps := slices.DeleteFunc(slices.Clone(periods), func(p int) bool { return p < 2 })
	slices.Sort(ps)
	return Model{periods: slices.Compact(ps)}
}

// Name implements models.Model.
func (Model) Name() string { return "MSTL" }

// Periods returns the model's seasonal periods, shortest first.
func (m Model) Periods() []int { return slices.Clone(m.periods) }

// Fit implements models.Model.
func (m Model) Fit(y []float64) (models.Fitted, error) {
	d := m.decompose(y)
	adjusted, err := ets.Auto(1).Fit(d.adjusted)
	if err != nil {
		return nil, fmt.Errorf("MSTL: the seasonally adjusted series: %w", err)
	}
	return newFitted(m, d, adjusted), nil
}

// decomposition is y split into seasonal components, one per period used,
// and the seasonally adjusted rest (trend plus remainder).
type decomposition struct {
	periods  []int
	seasonal [][]float64
	adjusted []float64
}

// seasonalWindow is R mstl's s.window for the i-th period (from 0): 11,
// 15, 19, ..., wider for the longer periods, whose fewer cycles need more
// smoothing across them.
func seasonalWindow(i int) int { return 7 + 4*(i+1) }

// decompose runs R's mstl: for each usable period in turn, STL of the
// series less the other components; twice over when there are several
// periods (one pass suffices for one, as in R).
func (m Model) decompose(y []float64) decomposition {
	d := decomposition{adjusted: slices.Clone(y)}
	for _, p := range m.periods {
		if 2*p < len(y) {
			d.periods = append(d.periods, p)
		}
	}
	d.seasonal = make([][]float64, len(d.periods))
	for i := range d.seasonal {
		d.seasonal[i] = make([]float64, len(y))
	}
	iterations := 1
	if len(d.periods) > 1 {
		iterations = 2
	}
	for range iterations {
		for i, p := range d.periods {
			for t := range y {
				d.adjusted[t] += d.seasonal[i][t]
			}
			d.seasonal[i], _ = stl.Decompose(d.adjusted, p, seasonalWindow(i))
			for t := range y {
				d.adjusted[t] -= d.seasonal[i][t]
			}
		}
	}
	return d
}
