package metrics

import (
	"strings"
	"testing"
)

func TestParseMetric(t *testing.T) {
	tests := []struct {
		in      string
		want    Metric
		wantErr bool
	}{
		{"MASE", MASE, false},
		{"mase", MASE, false},
		{"", RMSSE, false},
		{"smape", SMAPE, false},
		{" sMAPE ", SMAPE, false},
		{"rmse", RMSE, false},
		{"Mae", MAE, false},
		{"wape", WAPE, false},
		{"RMSSE", RMSSE, false},
		{"mape", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMetric(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseMetric(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseMetric(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseMetricErrorListsValidMetrics(t *testing.T) {
	_, err := ParseMetric("bogus")
	for _, m := range All() {
		if !strings.Contains(err.Error(), string(m)) {
			t.Errorf("error %q does not list %s", err, m)
		}
	}
}
