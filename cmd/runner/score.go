package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/series"
)

const scoreSynopsis = `score --train FILE --test FILE --forecasts FILE [flags]

Scores forecasts against a holdout with the M4 conventions and prints one
tab-separated row per method: split, method, sMAPE, MASE, RMSSE, seconds,
items, then the coverage of the 80% and 95% intervals (percent of the
observed test values inside), MSIS (the M4 mean scaled interval score of
the 95% interval), bias% (how far the forecasts summed over every test
value exceed the actuals, in percent) and zero% (the share of items
forecast as all zero). Scores are means over items; an item whose MASE,
RMSSE or MSIS is not finite (a constant training history) is left out of
that mean and counted on stderr. --forecasts is a CSV with columns
item_id, step, model and forecast, and optionally lo_80, hi_80, lo_95 and
hi_95, as written by 'runner local' or hack/bench/forecast.R ("-" where a
method has no intervals); rows are grouped by model unless --label names
them all as one method.`

type scoreOptions struct {
	train, test, forecasts string
	label, split, timings  string
	seconds                float64
	season                 int
	header                 bool
	columns                series.Columns
	missing                series.Missing
}

func parseScore(args []string, e env) (scoreOptions, error) {
	var o scoreOptions
	fs := newFlagSet("score", scoreSynopsis, e)
	fs.StringVar(&o.train, "train", "", "training data, long CSV (required)")
	fs.StringVar(&o.test, "test", "", "holdout data continuing the training periods, long CSV (required)")
	fs.StringVar(&o.forecasts, "forecasts", "", "forecasts CSV (required)")
	fs.IntVar(&o.season, "season", 1, "season of the MASE and RMSSE scale (1: naive)")
	fs.StringVar(&o.label, "label", "", "method name for every row of --forecasts (default: its model column)")
	fs.Float64Var(&o.seconds, "seconds", math.NaN(), "run time to print for --label")
	fs.StringVar(&o.timings, "timings", "", "CSV of method,seconds to print beside each method")
	fs.StringVar(&o.split, "split", "", "name of the data split, printed in the first column")
	fs.BoolVar(&o.header, "header", false, "print a header row first")
	cols := columnFlags(fs)
	missing := missingFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	o.columns = *cols
	var err error
	if o.missing, err = series.ParseMissing(*missing); err != nil {
		return o, usageError{err}
	}
	if o.train == "" || o.test == "" || o.forecasts == "" {
		return o, usagef("--train, --test and --forecasts are required")
	}
	return o, nil
}

func runScore(_ context.Context, args []string, e env) error {
	o, err := parseScore(args, e)
	if err != nil {
		return err
	}
	opts := series.ReadOptions{Columns: o.columns, Missing: o.missing}
	train, err := series.LoadFile(o.train, opts)
	if err != nil {
		return err
	}
	test, err := series.LoadFile(o.test, opts)
	if err != nil {
		return err
	}
	table, methods, err := readForecasts(o.forecasts, o.label)
	if err != nil {
		return err
	}
	intervals, err := readBounds(o.forecasts, o.label)
	if err != nil {
		return err
	}
	seconds, err := o.methodSeconds()
	if err != nil {
		return err
	}
	if o.header {
		fmt.Fprintln(e.stdout, "split\tmethod\tsMAPE\tMASE\tRMSSE\tseconds\titems\tcov80\tcov95\tMSIS\tbias%\tzero%")
	}
	for _, m := range methods {
		s := scoreMethod(train, test, table[m], intervals[m], o.season)
		if s.missing > 0 || s.nonFinite > 0 {
			fmt.Fprintf(e.stderr, "%s %s: %d items without forecasts, %d with a non-finite MASE/RMSSE left out\n", o.split, m, s.missing, s.nonFinite)
		}
		secs, ok := seconds[m]
		if !ok {
			secs = math.NaN()
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", o.split, m, s.smape.mean(), s.mase.mean(), s.rmsse.mean(),
			formatSeconds(secs), s.smape.n, formatOptional(s.intervals.coverage(0), 1), formatOptional(s.intervals.coverage(1), 1),
			formatOptional(s.intervals.msis.mean(), 3), formatOptional(s.volume.biasPercent(), 1), formatOptional(s.volume.zeroPercent(), 1))
	}
	return nil
}

func formatSeconds(s float64) string {
	if math.IsNaN(s) {
		return "-"
	}
	return strconv.FormatFloat(s, 'f', 1, 64)
}

// methodSeconds reads --timings, and --seconds for --label.
func (o scoreOptions) methodSeconds() (map[string]float64, error) {
	out := map[string]float64{}
	if o.label != "" && !math.IsNaN(o.seconds) {
		out[o.label] = o.seconds
	}
	if o.timings == "" {
		return out, nil
	}
	rows, err := readCSVFile(o.timings)
	if err != nil {
		return nil, err
	}
	for _, row := range rows[1:] {
		if len(row) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(row[1], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: seconds of %s: %w", o.timings, row[0], err)
		}
		out[row[0]] = v
	}
	return out, nil
}

// meanAcc averages the finite values it is given.
type meanAcc struct {
	sum float64
	n   int
}

func (a *meanAcc) add(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	a.sum += v
	a.n++
	return true
}

func (a meanAcc) mean() float64 {
	if a.n == 0 {
		return math.NaN()
	}
	return a.sum / float64(a.n)
}

type methodScore struct {
	smape, mase, rmsse meanAcc
	intervals          intervalScore
	volume             volume
	missing, nonFinite int
}

// scoreMethod scores one method's forecasts (item → values by step) and
// intervals (item → level → bounds) on every test item that has an
// observed value.
func scoreMethod(train, test *series.Dataset, fc map[string][]float64, ivs map[string]map[float64]*bounds, season int) methodScore {
	var s methodScore
	history := make(map[string]series.Series, len(train.Items))
	for _, it := range train.Items {
		history[it.ID] = it
	}
	for _, it := range test.Items {
		f, ok := fc[it.ID]
		if !ok {
			s.missing++
			continue
		}
		hist := history[it.ID]
		actual := alignActuals(hist, it, len(f))
		for j, v := range f {
			if math.IsNaN(v) {
				actual[j] = math.NaN() // no forecast for this step: not scored
			}
		}
		scale := metrics.NaiveScale(hist.Values, season)
		if !s.smape.add(metrics.SMAPE.Score(actual, f, scale)) {
			continue // nothing observed in the test period
		}
		okMASE := s.mase.add(metrics.MASE.Score(actual, f, scale))
		okRMSSE := s.rmsse.add(metrics.RMSSE.Score(actual, f, scale))
		if !okMASE || !okRMSSE {
			s.nonFinite++
		}
		s.intervals.add(actual, ivs[it.ID], scale)
		s.volume.add(actual, f)
	}
	return s
}

// alignActuals returns the h test values following the training history:
// with integer periods the test may start after a gap; with dates it is
// taken to start right after the history.
func alignActuals(hist, test series.Series, h int) []float64 {
	offset := 0
	if hist.Start.IsZero() && test.Start.IsZero() && hist.Values != nil {
		offset = int(test.StartIndex - (hist.StartIndex + int64(len(hist.Values))))
	}
	out := make([]float64, h)
	for j := range out {
		out[j] = math.NaN()
		if k := j - offset; k >= 0 && k < len(test.Values) {
			out[j] = test.Values[k]
		}
	}
	return out
}

// readForecasts reads a forecasts CSV into method → item → values by step,
// with the methods in first-seen order.
func readForecasts(path, label string) (map[string]map[string][]float64, []string, error) {
	rows, err := readCSVFile(path)
	if err != nil {
		return nil, nil, err
	}
	col, err := columnIndexes(path, rows[0], "item_id", "step", "model", "forecast")
	if err != nil {
		return nil, nil, err
	}
	table := map[string]map[string][]float64{}
	var methods []string
	width := slices.Max(col) + 1
	for line, row := range rows[1:] {
		if len(row) < width {
			return nil, nil, fmt.Errorf("%s:%d: %d fields, want at least %d", path, line+2, len(row), width)
		}
		method := row[col[2]]
		if label != "" {
			method = label
		}
		step, err1 := strconv.Atoi(row[col[1]])
		v, err2 := strconv.ParseFloat(row[col[3]], 64)
		if err1 != nil || err2 != nil || step < 1 {
			return nil, nil, fmt.Errorf("%s:%d: bad step %q or forecast %q", path, line+2, row[col[1]], row[col[3]])
		}
		if table[method] == nil {
			table[method] = map[string][]float64{}
			methods = append(methods, method)
		}
		table[method][row[col[0]]] = setStep(table[method][row[col[0]]], step, v)
	}
	return table, methods, nil
}

// setStep stores v at step (1-based), growing vals with NaN as needed.
func setStep(vals []float64, step int, v float64) []float64 {
	for len(vals) < step {
		vals = append(vals, math.NaN())
	}
	vals[step-1] = v
	return vals
}

func columnIndexes(path string, header []string, names ...string) ([]int, error) {
	out := make([]int, len(names))
	for i, n := range names {
		if out[i] = slices.Index(header, n); out[i] < 0 {
			return nil, fmt.Errorf("%s: no %q column in header %v", path, n, header)
		}
	}
	return out, nil
}

func readCSVFile(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return rows, nil
}
