package metrics

import (
	"fmt"
	"strings"
)

// Metric names an accuracy measure. Lower is better for every metric.
type Metric string

// The metrics a tournament can rank models by. RMSSE is the default (see
// Default).
const (
	MASE  Metric = "MASE"
	SMAPE Metric = "sMAPE"
	RMSE  Metric = "RMSE"
	MAE   Metric = "MAE"
	WAPE  Metric = "WAPE"
	// RMSSE is the M5 competition's root mean squared scaled error.
	RMSSE Metric = "RMSSE"
)

// Default is the metric used when none is requested: RMSSE, which the M5
// competition chose for retail demand. Squared errors are smallest for the
// mean, which is what a planner stocks for; absolute errors (MASE, MAE,
// WAPE) are smallest for the median, which for sparse demand is zero, so
// ranking by them hands a part that sells a flat zero forecast. Like MASE
// it is scale-free and defined on intermittent series.
const Default = RMSSE

// All returns every metric in the order they are documented.
func All() []Metric { return []Metric{MASE, SMAPE, RMSE, MAE, WAPE, RMSSE} }

// ParseMetric returns the metric named s, ignoring case. An empty s is the
// default metric.
func ParseMetric(s string) (Metric, error) {
	if strings.TrimSpace(s) == "" {
		return Default, nil
	}
	for _, m := range All() {
		if strings.EqualFold(strings.TrimSpace(s), string(m)) {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown metric %q: valid metrics are %s", s, strings.Join(names(), ", "))
}

// Scaled reports whether the metric divides by the in-sample naive error, so
// that it needs a Scale computed from the training history.
func (m Metric) Scaled() bool { return m == MASE || m == RMSSE }

func names() []string {
	out := make([]string, 0, len(All()))
	for _, m := range All() {
		out = append(out, string(m))
	}
	return out
}
