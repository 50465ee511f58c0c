package metrics

import (
	"fmt"
	"strings"
)

// Metric names an accuracy measure. Lower is better for every metric.
type Metric string

// The metrics a tournament can rank models by. MASE is the default: it is
// scale-free, defined on intermittent series (unlike sMAPE's zero handling
// it needs no special case for zero actuals) and the M4 headline measure.
const (
	MASE  Metric = "MASE"
	SMAPE Metric = "sMAPE"
	RMSE  Metric = "RMSE"
	MAE   Metric = "MAE"
	WAPE  Metric = "WAPE"
	// RMSSE is the M5 competition's root mean squared scaled error. It is
	// reported by the benchmark scorer and may also rank models.
	RMSSE Metric = "RMSSE"
)

// Default is the metric used when none is requested.
const Default = MASE

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
