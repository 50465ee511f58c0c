package output

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

func testRun(t testing.TB, items []series.Series, freq series.Frequency, levels []float64) Run {
	t.Helper()
	ms := []models.Model{naive.Naive{}, naive.Mean{}, naive.Seasonal{Season: 7}}
	cfg := tournament.Config{Horizon: 7, Season: 7, Levels: levels, Models: ms}
	res, err := tournament.Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Run{Result: res, Items: items, Frequency: freq, Metric: metrics.MASE, Horizon: 7, Season: 7, Windows: 3, Levels: levels, Input: "test.csv", Mode: "Full"}
}

func dailyItems(count int, start time.Time) []series.Series {
	out := make([]series.Series, count)
	for i := range out {
		v := make([]float64, 40)
		for k := range v {
			v[k] = float64(10 + i + k%7)
		}
		out[i] = series.Series{ID: fmt.Sprintf("sku-%d", i), Start: start, Values: v}
	}
	return out
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestWriteForecasts(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		items      []series.Series
		levels     []float64
		wantHeader []string
		wantTime   string // time cell of item 0, step 1
	}{
		{"dated", dailyItems(3, start), []float64{80, 95},
			[]string{"item_id", "step", "date", "model", "forecast", "lo_80", "hi_80", "lo_95", "hi_95"}, "2024-02-10"},
		{"indexed", withIndex(dailyItems(2, time.Time{}), 1), []float64{50, 97.5},
			[]string{"item_id", "step", "period", "model", "forecast", "lo_50", "hi_50", "lo_97.5", "hi_97.5"}, "41"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files, err := Write(dir, testRun(t, tt.items, series.Daily, tt.levels))
			if err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, files.Forecasts)
			if !slices.Equal(rows[0], tt.wantHeader) {
				t.Fatalf("header %v, want %v", rows[0], tt.wantHeader)
			}
			if len(rows) != 1+7*len(tt.items) {
				t.Fatalf("%d rows, want %d", len(rows), 1+7*len(tt.items))
			}
			if rows[1][2] != tt.wantTime || rows[1][1] != "1" || rows[7][1] != "7" {
				t.Errorf("first row %v, want time %s at step 1", rows[1], tt.wantTime)
			}
			for _, row := range rows[1:] {
				checkBounds(t, row)
			}
		})
	}
}

func withIndex(items []series.Series, start int64) []series.Series {
	for i := range items {
		items[i].StartIndex = start
	}
	return items
}

// checkBounds parses a forecast row and checks lo ≤ forecast ≤ hi, with
// the wider level outside the narrower.
func checkBounds(t *testing.T, row []string) {
	t.Helper()
	vals := make([]float64, len(row)-4)
	for i, cell := range row[4:] {
		v, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			t.Fatalf("row %v: %v", row, err)
		}
		vals[i] = v
	}
	f, lo1, hi1, lo2, hi2 := vals[0], vals[1], vals[2], vals[3], vals[4]
	if !(lo2 <= lo1 && lo1 <= f && f <= hi1 && hi1 <= hi2) {
		t.Errorf("row %v: bounds out of order", row)
	}
}

func TestWriteLeaderboardAndSummary(t *testing.T) {
	items := dailyItems(4, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	items = append(items, series.Series{ID: "empty", Start: items[0].Start, Values: []float64{math.NaN()}})
	dir := t.TempDir()
	files, err := Write(dir, testRun(t, items, series.Daily, []float64{80, 95}))
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, files.Leaderboard)
	wantHeader := []string{"item_id", "class", "winner", "Naive", "HistoricAverage", "SeasonalNaive", "failed", "bias", "members",
		"Naive_bias", "HistoricAverage_bias", "SeasonalNaive_bias", "note"}
	if !slices.Equal(rows[0], wantHeader) || len(rows) != 6 {
		t.Fatalf("leaderboard header %v with %d rows", rows[0], len(rows))
	}
	if rows[1][2] == "" || rows[1][3] == "" || rows[1][7] == "" || rows[1][9] == "" || rows[5][6] != "true" || rows[5][3] != "" || rows[5][7] != "" {
		t.Errorf("rows %v and %v", rows[1], rows[5])
	}
	raw, err := os.ReadFile(files.Summary)
	if err != nil {
		t.Fatal(err)
	}
	var got Summary
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Items != 5 || got.Failed != 1 || got.Metric != "MASE" || got.Horizon != 7 || len(got.Models) != 3 || got.MeanScore == nil ||
		len(got.BiasPercent) == 0 {
		t.Errorf("summary %s", raw)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d files in output directory, want 3 (temporary files left behind?)", len(entries))
	}
}

func TestWriteCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	if _, err := Write(dir, testRun(t, dailyItems(1, time.Time{}), series.Daily, []float64{80})); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ForecastsFile)); err != nil {
		t.Error(err)
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{100, 1000} {
		run := testRun(b, dailyItems(n, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), series.Daily, []float64{80, 95})
		dir := b.TempDir()
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Write(dir, run); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestWriteQuantiles(t *testing.T) {
	items := dailyItems(3, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	ms := []models.Model{naive.Naive{}, naive.Mean{}}
	probs := []float64{0.5, 0.9, 0.975}
	cfg := tournament.Config{Horizon: 7, Season: 7, Levels: []float64{80}, Quantiles: probs, Models: ms}
	res, err := tournament.Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	run := Run{Result: res, Items: items, Frequency: series.Daily, Metric: metrics.RMSSE, Horizon: 7, Season: 7, Windows: 3,
		Levels: []float64{80}, Quantiles: probs}
	files, err := Write(t.TempDir(), run)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, files.Forecasts)
	want := []string{"item_id", "step", "date", "model", "forecast", "lo_80", "hi_80", "q_50", "q_90", "q_97.5"}
	if !slices.Equal(rows[0], want) {
		t.Fatalf("header %v, want %v", rows[0], want)
	}
	for _, row := range rows[1:] {
		var q [3]float64
		for k := range q {
			if q[k], err = strconv.ParseFloat(row[7+k], 64); err != nil {
				t.Fatalf("row %v: %v", row, err)
			}
		}
		if hi80, _ := strconv.ParseFloat(row[6], 64); !(q[0] <= q[1] && q[1] <= q[2] && q[1] <= hi80+1e-9 && q[2] >= hi80-1e-9) {
			t.Errorf("row %v: quantiles out of order or off the 80%% interval's upper bound (the 90%% quantile)", row)
		}
	}
}

// TestStreamAbortLeavesNothing: a Stream that fails or is abandoned before
// Close leaves no file, whole or partial, in the folder; one that closes
// writes what Write writes.
func TestStreamAbortLeavesNothing(t *testing.T) {
	r := testRun(t, dailyItems(3, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), series.Daily, []float64{80})
	dir := t.TempDir()
	s, err := NewStream(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(r.Result.Items[0]); err != nil {
		t.Fatal(err)
	}
	s.Abort()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("an aborted stream left %d files, the first %s", len(left), left[0].Name())
	}
	want := t.TempDir()
	if _, err := Write(want, r); err != nil {
		t.Fatal(err)
	}
	s, err = NewStream(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range r.Result.Items {
		if err := s.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Close(r.Result.Summary); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ForecastsFile, LeaderboardFile, SummaryFile} {
		a, _ := os.ReadFile(filepath.Join(want, name))
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s: the stream wrote %d bytes (%v), Write %d", name, len(b), err, len(a))
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 3 {
		t.Errorf("the folder holds %d files, want the three", len(left))
	}
}

// TestFormattedRowsWriteWhatAddWrites: rows formatted by two Formatters
// and added with AddRows, between items given to Add, make the same
// files as Write.
func TestFormattedRowsWriteWhatAddWrites(t *testing.T) {
	r := testRun(t, dailyItems(5, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), series.Daily, []float64{80, 95})
	want, dir := t.TempDir(), t.TempDir()
	if _, err := Write(want, r); err != nil {
		t.Fatal(err)
	}
	s, err := NewStream(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	formatters := []*Formatter{s.Formatter(), s.Formatter()}
	var rows Rows
	for i, it := range r.Result.Items {
		if i == 2 {
			err = s.Add(it)
		} else if err = formatters[i%2].Format(&rows, it); err == nil {
			err = s.AddRows(&rows)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Close(r.Result.Summary); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ForecastsFile, LeaderboardFile} {
		a, _ := os.ReadFile(filepath.Join(want, name))
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s: the formatted rows made %d bytes (%v), Write %d", name, len(b), err, len(a))
		}
	}
}
