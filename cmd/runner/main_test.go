package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/output"
)

// invoke runs the CLI in-process and returns its exit code and output.
func invoke(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, env{stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

func generate(t *testing.T, items, periods int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.csv")
	code, _, stderr := invoke(t, "generate", "--items", strconv.Itoa(items), "--periods", strconv.Itoa(periods), "--seed", "3", "--out", path)
	if code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr)
	}
	return path
}

func readRows(t *testing.T, path string) [][]string {
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

func readSummary(t *testing.T, dir string) output.Summary {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, output.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s output.Summary
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	return s
}

func TestGenerateThenLocal(t *testing.T) {
	input := generate(t, 12, 150)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := invoke(t, "local", "--input", input, "--mode", "Full", "--horizon", "7", "--levels", "80,95", "--out", out)
	if code != 0 {
		t.Fatalf("local exited %d: %s", code, stderr)
	}
	forecasts := readRows(t, filepath.Join(out, output.ForecastsFile))
	wantHeader := []string{"item_id", "step", "date", "model", "forecast", "lo_80", "hi_80", "lo_95", "hi_95"}
	if !slices.Equal(forecasts[0], wantHeader) {
		t.Errorf("forecasts header %v, want %v", forecasts[0], wantHeader)
	}
	if len(forecasts) != 1+12*7 {
		t.Errorf("%d forecast rows, want %d", len(forecasts)-1, 12*7)
	}
	for _, row := range forecasts[1:] {
		if _, err := strconv.ParseFloat(row[4], 64); err != nil {
			t.Fatalf("forecast cell %q: %v", row[4], err)
		}
	}
	leaderboard := readRows(t, filepath.Join(out, output.LeaderboardFile))
	if len(leaderboard) != 13 || !slices.Equal(leaderboard[0][:3], []string{"item_id", "class", "winner"}) {
		t.Errorf("leaderboard has %d rows, header %v", len(leaderboard), leaderboard[0])
	}
	if !slices.Contains(leaderboard[0], "Ensemble") {
		t.Errorf("leaderboard header %v lacks the ensemble, which is on by default", leaderboard[0])
	}
	s := readSummary(t, out)
	if s.Items != 12 || s.Horizon != 7 || s.Season != 7 || s.Mode != "Full" || s.Metric != "RMSSE" {
		t.Errorf("summary %+v", s)
	}
	for _, want := range []string{"wins:", "items/s", output.ForecastsFile} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "progress: 100.0%") {
		t.Errorf("stderr lacks the final progress line:\n%s", stderr)
	}
}

func TestLocalDefaults(t *testing.T) {
	input := generate(t, 110, 60)
	tests := []struct {
		name        string
		args        []string
		wantItems   int
		wantHorizon int
	}{
		{"QuickTest and the daily horizon by default", nil, 100, 14},
		{"item limit", []string{"--mode", "full", "--item-limit", "5"}, 5, 14},
		{"models and metric", []string{"--item-limit", "3", "--models", "naive,ses", "--metric", "smape", "--horizon", "3"}, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"local", "--input", input, "--out", out}, tt.args...)
			if code, _, stderr := invoke(t, args...); code != 0 {
				t.Fatalf("local exited %d: %s", code, stderr)
			}
			s := readSummary(t, out)
			if s.Items != tt.wantItems || s.Horizon != tt.wantHorizon {
				t.Errorf("items %d horizon %d, want %d and %d", s.Items, s.Horizon, tt.wantItems, tt.wantHorizon)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	input := generate(t, 2, 40)
	tests := []struct {
		name string
		args []string
		want int
		say  string
	}{
		{"no command", nil, 2, "Usage: runner"},
		{"help", []string{"help"}, 0, "Commands:"},
		{"unknown command", []string{"fly"}, 2, `unknown command "fly"`},
		{"flag help", []string{"local", "-h"}, 0, "QuickTest"},
		{"unknown flag", []string{"local", "--bogus"}, 2, "bogus"},
		{"missing input", []string{"local", "--out", "x"}, 2, "--input and --out are required"},
		{"bad metric", []string{"local", "--input", input, "--out", "x", "--metric", "mape"}, 2, "valid metrics are"},
		{"bad model", []string{"local", "--input", input, "--out", t.TempDir(), "--models", "arima"}, 2, "valid models are"},
		{"bad levels", []string{"local", "--input", input, "--out", "x", "--levels", "80,120"}, 2, "--levels"},
		{"bad mode", []string{"local", "--input", input, "--out", "x", "--mode", "huge"}, 2, "unknown mode"},
		{"no such file", []string{"local", "--input", "/nonexistent.csv", "--out", t.TempDir()}, 1, "nonexistent.csv"},
		{"generate without out", []string{"generate"}, 2, "--out is required"},
		{"generate bad frequency", []string{"generate", "--out", "x", "--frequency", "fortnightly"}, 2, "unknown frequency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := invoke(t, tt.args...)
			if code != tt.want || !strings.Contains(stderr, tt.say) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tt.want, tt.say)
			}
		})
	}
}

func TestScore(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	train := write("train.csv", "item_id,t,value\nA,1,1\nA,2,2\nA,3,3\nA,4,4\nB,1,0\nB,2,0\nB,3,0\n")
	test := write("test.csv", "item_id,t,value\nA,5,5\nA,6,6\nB,4,\nB,5,\n")
	// A: errors 0 and 2, naive scale 1, so MASE 1, RMSSE √2 and sMAPE
	// (0 + 200·2/14)/2; its forecasts sum to 13 against 11 actual (bias
	// 18.2%). B has no observed test value and is not scored.
	fc := write("fc.csv", "item_id,step,model,forecast\nA,1,X,5\nA,2,X,8\nB,1,X,0\nB,2,X,0\n")
	code, stdout, stderr := invoke(t, "score", "--train", train, "--test", test, "--forecasts", fc,
		"--time-column", "t", "--value-column", "value", "--split", "toy", "--label", "ours", "--seconds", "1.5")
	if code != 0 {
		t.Fatalf("score exited %d: %s", code, stderr)
	}
	want := "toy\tours\t14.286\t1.000\t1.414\t1.5\t1\t-\t-\t-\t18.2\t0.0\n"
	if stdout != want {
		t.Errorf("score printed %q, want %q", stdout, want)
	}
	// With intervals: A's 80% intervals [4, 6] and [7, 9] cover 5 but
	// not 6; its 95% ones [3, 7] and [6, 10] cover both, at MSIS
	// (4 + 4)/2 over the naive scale 1.
	fc = write("fci.csv", "item_id,step,model,forecast,lo_80,hi_80,lo_95,hi_95\n"+
		"A,1,X,5,4,6,3,7\nA,2,X,8,7,9,6,10\nB,1,X,0,0,0,0,0\nB,2,X,0,0,0,0,0\n")
	code, stdout, stderr = invoke(t, "score", "--train", train, "--test", test, "--forecasts", fc,
		"--time-column", "t", "--value-column", "value", "--split", "toy")
	if code != 0 {
		t.Fatalf("score exited %d: %s", code, stderr)
	}
	want = "toy\tX\t14.286\t1.000\t1.414\t-\t1\t50.0\t100.0\t4.000\t18.2\t0.0\n"
	if stdout != want {
		t.Errorf("score printed %q, want %q", stdout, want)
	}
}

// A sales export leaves out the days without sales. An item sold 10 units
// every Thursday for a year must be forecast at about 10 units a week, not
// 10 a day as when the gaps were interpolated (which this test caught
// before absent periods meant zero demand); and its forecast starts after
// the dataset's last day, which another item's rows set.
func TestLocalAbsentDaysAreZeroDemand(t *testing.T) {
	var b strings.Builder
	b.WriteString("item_id,date,quantity\n")
	day := time.Date(2024, 1, 4, 0, 0, 0, 0, time.UTC) // a Thursday
	for w := range 52 {
		fmt.Fprintf(&b, "thursdays,%s,10\n", day.AddDate(0, 0, 7*w).Format(time.DateOnly))
	}
	fmt.Fprintf(&b, "other,%s,1\nother,%s,1\n", day.Format(time.DateOnly), day.AddDate(0, 0, 7*52+2).Format(time.DateOnly))
	input := filepath.Join(t.TempDir(), "sales.csv")
	if err := os.WriteFile(input, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := invoke(t, "local", "--input", input, "--mode", "Full", "--horizon", "14", "--frequency", "daily", "--out", out)
	if code != 0 {
		t.Fatalf("local exited %d: %s", code, stderr)
	}
	var total float64
	for _, row := range readRows(t, filepath.Join(out, output.ForecastsFile))[1:] {
		if row[0] != "thursdays" {
			continue
		}
		if row[1] == "1" && row[2] != day.AddDate(0, 0, 7*52+3).Format(time.DateOnly) {
			t.Errorf("first forecast date %s, want the day after the dataset's last", row[2])
		}
		v, _ := strconv.ParseFloat(row[4], 64)
		total += v
	}
	if total < 10 || total > 30 {
		t.Errorf("two weeks' forecast totals %.1f units, want about 20", total)
	}
	s := readSummary(t, out)
	if s.Data.Missing != "zero" || s.Data.ExtendedItems != 1 {
		t.Errorf("summary data = %+v, want missing zero and one item extended to the last day", s.Data)
	}
}
