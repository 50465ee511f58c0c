package registry

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/arima"
	"github.com/forecastrun/forecastrun/runner/models/mstl"
	"github.com/forecastrun/forecastrun/runner/sample"
)

func TestAllNamesMatchRegistryOrder(t *testing.T) {
	got := append(modelNames(All(12)), Ensemble)
	if !slices.Equal(got, Names()) {
		t.Errorf("All(12) names and Ensemble = %v, want %v", got, Names())
	}
}

func TestOptimizedThetaFollowsTheta(t *testing.T) {
	names := Names()
	i := slices.Index(names, "Theta")
	if i < 0 || !slices.Equal(names[i:i+3], []string{"Theta", "OptimizedTheta", "DynamicOptimizedTheta"}) {
		t.Errorf("names %v: want OptimizedTheta and DynamicOptimizedTheta right after Theta", names)
	}
}

func TestWantsEnsemble(t *testing.T) {
	tests := []struct {
		names []string
		want  bool
	}{
		{nil, true},
		{[]string{"ensemble"}, true},
		{[]string{"Naive", " Ensemble "}, true},
		{[]string{"Naive", "SES"}, false},
	}
	for _, tt := range tests {
		if got := WantsEnsemble(tt.names); got != tt.want {
			t.Errorf("WantsEnsemble(%q) = %v, want %v", tt.names, got, tt.want)
		}
	}
}

func TestAllLeavesOutSeasonalModelsWithoutSeason(t *testing.T) {
	for _, name := range modelNames(All(1)) {
		if e, _ := lookup(name); e.seasonal {
			t.Errorf("All(1) includes seasonal model %s", name)
		}
	}
	if len(All(1)) >= len(All(7)) {
		t.Errorf("All(1) has %d models, All(7) %d: want fewer without a season", len(All(1)), len(All(7)))
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name    string
		names   []string
		season  int
		want    []string
		wantErr string
	}{
		{"empty selects all", nil, 7, modelNames(All(7)), ""},
		{"ensemble alone selects all", []string{"Ensemble"}, 7, modelNames(All(7)), ""},
		{"ensemble is not a model", []string{"naive", "ensemble"}, 7, []string{"Naive"}, ""},
		{"optimised theta", []string{"DynamicOptimizedTheta", "optimizedtheta"}, 1, []string{"OptimizedTheta", "DynamicOptimizedTheta"}, ""},
		{"registry order kept", []string{"theta", "Naive", "ses"}, 7, []string{"Naive", "SES", "Theta"}, ""},
		{"duplicates collapse", []string{"SES", "ses"}, 1, []string{"SES"}, ""},
		{"unknown", []string{"ARIMA"}, 7, nil, "valid models are Naive, HistoricAverage"},
		{"seasonal without season", []string{"SeasonalNaive"}, 1, nil, "season of at least 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Select(tt.names, tt.season)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Select(%v) error = %v, want one containing %q", tt.names, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Select(%v): %v", tt.names, err)
			}
			if names := modelNames(got); !slices.Equal(names, tt.want) {
				t.Errorf("Select(%v) = %v, want %v", tt.names, names, tt.want)
			}
		})
	}
}

func TestEveryModelFitsASeasonalSeries(t *testing.T) {
	y := make([]float64, 60)
	for i := range y {
		y[i] = 20 + float64(i%12) + 0.1*float64(i)
	}
	for _, m := range All(12) {
		fit, err := m.Fit(y)
		if err != nil {
			t.Errorf("%s: Fit: %v", m.Name(), err)
			continue
		}
		if _, err := fit.Forecast(12, []float64{80, 95}); err != nil {
			t.Errorf("%s: Forecast: %v", m.Name(), err)
		}
	}
}

func modelNames[M interface{ Name() string }](ms []M) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name()
	}
	return out
}

func TestSuits(t *testing.T) {
	sporadic := []sample.DemandClass{sample.Intermittent, sample.Lumpy}
	regular := []sample.DemandClass{sample.Smooth, sample.Erratic}
	tests := []struct {
		model             string
		sporadic, regular bool
	}{
		{"CrostonSBA", true, false},
		{"IMAPA", true, false},
		{"SES", true, true},
		{"WindowAverage", true, true},
		{"AutoARIMA", false, true},
		{"Naive", false, true},
		{"HoltWintersAdditive", false, true},
		{"NoSuchModel", false, false},
	}
	for _, tt := range tests {
		for _, c := range sporadic {
			if Suits(tt.model, c) != tt.sporadic {
				t.Errorf("Suits(%s, %s) = %v", tt.model, c, !tt.sporadic)
			}
		}
		for _, c := range regular {
			if Suits(tt.model, c) != tt.regular {
				t.Errorf("Suits(%s, %s) = %v", tt.model, c, !tt.regular)
			}
		}
	}
	for _, c := range sample.Classes {
		n := 0
		for _, name := range Names() {
			if Suits(name, c) {
				n++
			}
		}
		if n < 5 {
			t.Errorf("only %d models suit %s demand", n, c)
		}
	}
}

func TestChoosesByClass(t *testing.T) {
	tests := []struct {
		names []string
		want  bool
	}{
		{nil, true},
		{[]string{"Ensemble"}, true},
		{[]string{"ensemble", "SES"}, false},
		{[]string{"AutoETS"}, false},
	}
	for _, tt := range tests {
		if got := ChoosesByClass(tt.names); got != tt.want {
			t.Errorf("ChoosesByClass(%q) = %v, want %v", tt.names, got, tt.want)
		}
	}
}

// MSTL decomposes hourly data by day and week and daily data by week and
// year; other seasons by themselves; without a season it is left out.
func TestMSTLPeriods(t *testing.T) {
	for season, want := range map[int][]int{24: {24, 168}, 7: {7, 365}, 52: {52}, 12: {12}} {
		ms, err := Select([]string{"MSTL"}, season)
		if err != nil {
			t.Fatal(err)
		}
		if got := ms[0].(mstl.Model).Periods(); !slices.Equal(got, want) {
			t.Errorf("season %d: MSTL periods %v, want %v", season, got, want)
		}
	}
	if slices.Contains(modelNames(All(1)), "MSTL") {
		t.Error("MSTL runs without a season")
	}
}

// TestAutoARIMATruncatesLongSearches: the registry's AutoARIMA searches
// the last arimaSearchLength observations of a long history (at least
// three seasons, and never fewer than 300), as AutoWith with that
// Truncate, and the whole of a short one.
func TestAutoARIMATruncatesLongSearches(t *testing.T) {
	for _, tc := range []struct{ season, want int }{
		{1, 300}, {7, 300}, {12, 300}, {24, 300}, {52, 300}, {168, 504}, {365, 1095},
	} {
		if got := arimaSearchLength(tc.season); got != tc.want {
			t.Errorf("arimaSearchLength(%d) = %d, want %d", tc.season, got, tc.want)
		}
	}
	m, err := Select([]string{"AutoARIMA"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, 730)
	for i := range y {
		y[i] = 100 + 20*math.Sin(2*math.Pi*float64(i)/7) + 10*math.Sin(float64(i*i%97))
	}
	order := func(m models.Model) string {
		t.Helper()
		fit, err := m.Fit(y)
		if err != nil {
			t.Fatal(err)
		}
		f := fit.(*arima.Fitted)
		return fmt.Sprint(f.Order(), f.Coefficients())
	}
	got := order(m[0])
	if want := order(arima.AutoWith(7, arima.AutoOptions{Truncate: 300})); got != want {
		t.Errorf("registry's AutoARIMA fitted %s, want the truncated search's %s", got, want)
	}
	if whole := order(arima.Auto(7)); got == whole {
		t.Errorf("registry's AutoARIMA fitted %s, as the search on the whole history does", got)
	}
}
