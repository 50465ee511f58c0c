package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/forecastrun/forecastrun/runner/series"
)

// columnFlags registers --item-column, --time-column and --value-column.
func columnFlags(fs *flag.FlagSet) *series.Columns {
	cols := series.DefaultColumns
	fs.StringVar(&cols.Item, "item-column", cols.Item, "name of the item ID column")
	fs.StringVar(&cols.Time, "time-column", cols.Time, "name of the time column (ISO dates or integer periods)")
	fs.StringVar(&cols.Value, "value-column", cols.Value, "name of the value column")
	return &cols
}

// missingFlag registers --missing, the meaning of a period without a row.
func missingFlag(fs *flag.FlagSet) *string {
	return fs.String("missing", string(series.DefaultMissing),
		"what a period without a row means: zero (no demand, as in sales exports), interpolate, or unknown (a missing value)")
}

// splitList splits a comma-separated flag value, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseQuantiles reads "90,99.5" (percent) into probabilities.
func parseQuantiles(s string) ([]float64, error) {
	out := []float64{}
	for _, p := range splitList(s) {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || !(v > 0 && v < 100) {
			return nil, fmt.Errorf("--quantiles: %q is not a percentage between 0 and 100", p)
		}
		out = append(out, v/100)
	}
	return out, nil
}

// parseLevels reads "80,95" into interval levels.
func parseLevels(s string) ([]float64, error) {
	parts := splitList(s)
	out := make([]float64, 0, len(parts))
	for _, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || !(v > 0 && v < 100) {
			return nil, fmt.Errorf("--levels: %q is not a percentage between 0 and 100", p)
		}
		out = append(out, v)
	}
	return out, nil
}
