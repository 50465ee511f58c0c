package sample_test

import (
	"strconv"
	"testing"

	"github.com/forecastrun/forecastrun/runner/sample"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestModeCount(t *testing.T) {
	tests := []struct {
		m    sample.Mode
		want int
	}{
		{sample.QuickTest, 100},
		{sample.Sample, 500},
		{sample.Standard, 1000},
		{sample.Full, 0},
		{"", 100},
	}
	for _, tt := range tests {
		if got := tt.m.Count(); got != tt.want {
			t.Errorf("%q.Count() = %d, want %d", tt.m, got, tt.want)
		}
		if got, want := tt.m.Valid(), tt.m != ""; got != want {
			t.Errorf("%q.Valid() = %v, want %v", tt.m, got, want)
		}
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in   string
		want sample.Mode
		ok   bool
	}{
		{"QuickTest", sample.QuickTest, true},
		{"quick-test", sample.QuickTest, true},
		{"quick", sample.QuickTest, true},
		{"SAMPLE", sample.Sample, true},
		{" standard ", sample.Standard, true},
		{"full", sample.Full, true},
		{"", "", false},
		{"everything", "", false},
	}
	for _, tt := range tests {
		got, err := sample.ParseMode(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseMode(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
