package source

import (
	"cmp"
	"fmt"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

// Synthetic defaults, as the CRD sets them, for specs built in Go.
const (
	DefaultSyntheticItems   = 3707
	DefaultSyntheticPeriods = 730
)

func loadSynthetic(spec v1alpha1.Dataset) (*series.Dataset, error) {
	s := spec.Synthetic
	cfg := synth.Config{
		Items:     int(cmp.Or(s.Items, DefaultSyntheticItems)),
		Periods:   int(cmp.Or(s.Periods, DefaultSyntheticPeriods)),
		Frequency: series.Frequency(cmp.Or(s.Frequency, spec.Frequency)),
		Seed:      uint64(s.Seed),
	}
	ds, err := synth.Generate(cfg)
	if err != nil {
		return nil, fmt.Errorf("generating dataset: %w", err)
	}
	return ds, nil
}
