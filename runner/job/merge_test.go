package job

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/report"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// mergeFixture writes the checkpoints of n items over shards shards, each
// record as a horizon-14 run with 12 candidates writes it (about 3 KB of
// JSON), and returns the folder and the plan that merges them.
func mergeFixture(tb testing.TB, n, shards int) (string, Plan) {
	tb.Helper()
	return mergeFixtureOf(tb, n, shards, record)
}

// mergeFixtureOf is mergeFixture with the records rec makes.
func mergeFixtureOf(tb testing.TB, n, shards int, rec func(i int, id string, h int) tournament.ItemResult) (string, Plan) {
	tb.Helper()
	dir := tb.TempDir()
	const h = 14
	zeros := make([]float64, 60)
	plan := Plan{Fingerprint: "sha256:merge-fixture", Frequency: series.Daily,
		Tournament: tournament.Config{Horizon: h, Levels: []float64{80, 95}, Quantiles: []float64{0.5, 0.9}}}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		plan.Items = append(plan.Items, series.Series{ID: fmt.Sprintf("SKU-%07d", i), Start: start, Values: zeros})
	}
	writers := make([]*checkpoint.Writer, shards)
	for s := range writers {
		w, _, err := checkpoint.Open(dir, s, plan.Fingerprint)
		if err != nil {
			tb.Fatal(err)
		}
		w.SetSync(1<<30, time.Hour)
		writers[s] = w
	}
	for i, s := range plan.Items {
		if err := writers[shard.Of(s.ID, shards)].Append(rec(i, s.ID, h)); err != nil {
			tb.Fatal(err)
		}
	}
	for _, w := range writers {
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return dir, plan
}

// fixtureStream opens the output stream into dir for a merge of
// mergeFixture's records.
func fixtureStream(tb testing.TB, dir string, plan Plan) *output.Stream {
	tb.Helper()
	out, err := output.NewStream(dir, output.Run{Result: &tournament.Result{}, Items: plan.Items, Frequency: plan.Frequency,
		Horizon: 14, Levels: plan.Tournament.Levels, Quantiles: plan.Tournament.Quantiles})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func record(i int, id string, h int) tournament.ItemResult {
	mean := make([]float64, h)
	for k := range mean {
		mean[k] = 10 + float64(i%7) + 0.1*float64(k)
	}
	scores, biases := map[string]tournament.Score{}, map[string]tournament.Score{}
	for m := range 12 {
		name := fmt.Sprintf("Model%02d", m)
		scores[name], biases[name] = tournament.Score(0.5+float64((i+m)%13)/10), tournament.Score(float64(m%5)/10-0.2)
	}
	cal := &tournament.Calibration{Ratios: make([][]float32, h), Sigma: 1 + float64(i%3), NonNegative: true, Family: string(sample.Classes[i%4])}
	for j := range cal.Ratios {
		for w := range 3 {
			cal.Ratios[j] = append(cal.Ratios[j], float32(math.Sin(float64(i*h*3+j*3+w))))
		}
	}
	return tournament.ItemResult{Index: i, ID: id, Class: sample.Classes[i%4], Winner: "Model03", Score: scores["Model03"],
		Scores: scores, Biases: biases, Bias: biases["Model03"], Forecast: models.Forecast{Mean: mean},
		Calibration: cal, Windows: 3, BacktestHorizon: h, BacktestTotals: tournament.Totals{Forecast: 100, Actual: 98}}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestMergeHoldsOneRecordAtATime: merging 20,000 items of about 1.5 KB
// of JSON each holds, after its first pass, the calibration ratios (168
// bytes an item here) and a score per item for the report, 269 bytes an
// item when written; after writing every row, once the pools are sorted,
// 72. When the merge kept a compact result per item for the report and
// the summary, it held 523 and 325 bytes (failing both limits), and a
// merge that held every decoded result, as checkpoint.Merge did, 3,098
// and 2,899.
func TestMergeHoldsOneRecordAtATime(t *testing.T) {
	const n, firstPass, written = 20000, 400, 150 // bytes per item
	dir, plan := mergeFixture(t, n, 4)
	before := liveHeap()
	m, err := openMerge(dir, plan, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	if sum := m.summing.Summary(0); m.missing != 0 || sum.Items != n {
		t.Fatalf("merged %d items, %d missing; want %d and none", sum.Items, m.missing, n)
	}
	perItem := (liveHeap() - before) / n
	t.Logf("after the first pass: %d bytes per item", perItem)
	if perItem > firstPass {
		t.Errorf("after the first pass the merge holds %d bytes per item, want at most %d", perItem, firstPass)
	}
	out := fixtureStream(t, t.TempDir(), plan)
	if err := m.write(out); err != nil {
		t.Fatal(err)
	}
	perItem = (liveHeap() - before) / n
	t.Logf("after writing every row: %d bytes per item", perItem)
	if perItem > written {
		t.Errorf("after writing every row the merge holds %d bytes per item, want at most %d", perItem, written)
	}
	if plotted := m.report.Plotted(); len(plotted) != report.DefaultPlots {
		t.Errorf("the report plots %d items, want %d", len(plotted), report.DefaultPlots)
	}
	if m.files.Ahead() != 0 {
		t.Errorf("%d records read ahead and never asked for", m.files.Ahead())
	}
	if _, err := out.Close(m.summing.Summary(0)); err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(m)
}

// BenchmarkMerge merges 20,000 items from 4 shards' checkpoints and
// writes the forecasts and leaderboard; live-B/item is what the merge
// holds after its first pass.
func BenchmarkMerge(b *testing.B) {
	const n = 20000
	dir, plan := mergeFixture(b, n, 4)
	out := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		before := liveHeap()
		m, err := openMerge(dir, plan, 4)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(liveHeap()-before)/n, "live-B/item")
		s := fixtureStream(b, out, plan)
		if err := m.write(s); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Close(m.summing.Summary(0)); err != nil {
			b.Fatal(err)
		}
		m.close()
	}
}

// corruptRecord replaces old with new in item id's checkpoint record.
func corruptRecord(t *testing.T, dir string, shards int, id, old, new string) {
	t.Helper()
	path := checkpoint.Path(dir, shard.Of(id, shards))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	found := false
	for k, line := range lines {
		if bytes.Contains(line, []byte(`"ID":"`+id+`"`)) {
			if !bytes.Contains(line, []byte(old)) {
				t.Fatalf("the record of %s has no %s", id, old)
			}
			lines[k], found = bytes.Replace(line, []byte(old), []byte(new), 1), true
		}
	}
	if !found {
		t.Fatalf("no record of %s in %s", id, path)
	}
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMergeFailsNamingTheFirstBadRecord: a record that does not decode
// fails the merge's pass that decodes it, naming the item, and of two
// bad records decoded by different workers the merge names the first in
// the run's order; the second pass writes no file.
func TestMergeFailsNamingTheFirstBadRecord(t *testing.T) {
	const n, shards = 3000, 4
	for _, tc := range []struct {
		name, old, new string
		firstPass      bool
	}{
		{name: "first pass", old: `"Windows":3`, new: `"Windows":"three"`, firstPass: true},
		{name: "second pass", old: `"Note":""`, new: `"Note":7`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, plan := mergeFixture(t, n, shards)
			first, second := plan.Items[1234].ID, plan.Items[1234+aheadBatch+1].ID
			corruptRecord(t, dir, shards, second, tc.old, tc.new)
			corruptRecord(t, dir, shards, first, tc.old, tc.new)
			m, err := openMerge(dir, plan, shards)
			if tc.firstPass {
				if err == nil {
					m.close()
					t.Fatal("the merge read a record that does not decode")
				}
				if want := "decoding the checkpoint record of item " + first + ":"; !strings.Contains(err.Error(), want) {
					t.Fatalf("the merge failed with %q, want it to say %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			outDir := t.TempDir()
			out := fixtureStream(t, outDir, plan)
			err = m.write(out)
			out.Abort()
			if want := "decoding the checkpoint record of item " + first + ":"; err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("writing failed with %v, want it to say %q", err, want)
			}
			if files, _ := os.ReadDir(outDir); len(files) != 0 {
				t.Errorf("a failed merge left %d files in its folder", len(files))
			}
		})
	}
}

// TestMergeCalibratesAfterAFailedFirstItem: when the run's first items
// failed (no forecast, no calibration), the workers of the second pass
// still give every other item its intervals. When the pools were sorted
// by the first Apply that met a calibration, several workers sorted them
// at once: under -race the test failed with a data race in Pools.finish
// (and without it, now and then, on a concurrent map write).
func TestMergeCalibratesAfterAFailedFirstItem(t *testing.T) {
	const n, shards, failed = 2000, 4, 300 // failed spans several batches
	dir, plan := mergeFixtureOf(t, n, shards, func(i int, id string, h int) tournament.ItemResult {
		if i < failed {
			return tournament.ItemResult{Index: i, ID: id, Class: sample.Classes[i%4], Failed: true, Note: "no observations"}
		}
		return record(i, id, h)
	})
	m, err := openMerge(dir, plan, shards)
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	outDir := t.TempDir()
	out := fixtureStream(t, outDir, plan)
	if err := m.write(out); err != nil {
		t.Fatal(err)
	}
	if _, err := out.Close(m.summing.Summary(0)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(outDir, output.ForecastsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if want := 1 + (n-failed)*14; len(lines) != want {
		t.Fatalf("forecasts.csv has %d lines, want %d", len(lines), want)
	}
	var bounds []int // the interval and quantile columns
	for k, name := range strings.Split(lines[0], ",") {
		if strings.HasPrefix(name, "lo_") || strings.HasPrefix(name, "hi_") || strings.HasPrefix(name, "q_") {
			bounds = append(bounds, k)
		}
	}
	if len(bounds) != 6 {
		t.Fatalf("forecasts.csv's header %q has %d interval and quantile columns, want 6", lines[0], len(bounds))
	}
	for _, line := range lines[1:] {
		cells := strings.Split(line, ",")
		for _, k := range bounds {
			if cells[k] == "" {
				t.Fatalf("column %d of %q is empty: the item has no intervals", k, line)
			}
		}
	}
}
