package job_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/job"
	"github.com/forecastrun/forecastrun/runner/series"
)

const (
	readByIndex = "read this shard's items alone, by the dataset's index"
	indexedMsg  = "indexed the dataset for the other shards"
	shardsFile  = "shards.json"
)

// indexedRun runs the four shards of run one after the other on one
// output folder, as Pods sharing an output claim, calling between(i,
// folder) after each of the first three shards with the folder of the
// dataset's index; it returns the result folder and each shard's log and
// error.
func indexedRun(t *testing.T, run *v1alpha1.ForecastRun, dataset string, between func(i int, index string)) (string, []string, []error) {
	t.Helper()
	deleteAfter(t, run)
	out := t.TempDir()
	logs, errs := make([]string, 4), make([]error, 4)
	for i := range 4 {
		var log bytes.Buffer
		r := newRunner(t, run, i, 4, out)
		r.Env.DatasetFile, r.Log = dataset, slog.New(slog.NewTextHandler(&log, nil))
		errs[i] = r.Run(context.Background())
		logs[i] = log.String()
		if between != nil && i < 3 {
			found, _ := filepath.Glob(filepath.Join(out, run.Name, ".checkpoint", "input-*"))
			if len(found) != 1 {
				t.Fatalf("after shard %d: %d index folders %v, want 1", i, len(found), found)
			}
			between(i, found[0])
		}
	}
	return filepath.Join(out, run.Name), logs, errs
}

// TestShardsReadTheDatasetOnce: the first shard of a run on a shared
// output claim indexes a CSV dataset on a claim, and the others read only
// their items' rows by that index, as the shard that writes the results
// reads the plotted items' history; the forecasts, leaderboard and report
// plots are the one Pod's, and the index is gone once the results are written. An index
// a shard cannot use sends that shard, and only it, back to reading every
// row. Files sorted by date, whose items' rows lie everywhere, are read
// by the index too.
func TestShardsReadTheDatasetOnce(t *testing.T) {
	dir := t.TempDir()
	writeDataset(t, dir, "sales.csv", false)
	byDate := sortRowsByDate(t, readFile(t, dir, "sales.csv"))
	if err := os.WriteFile(filepath.Join(dir, "by-date.csv"), byDate, 0o600); err != nil {
		t.Fatal(err)
	}
	build := func(name, path string, shards int32, full bool) *v1alpha1.ForecastRun {
		b := testutil.MakeForecastRun(name, "default").DatasetClaim("data", path).ItemLimit(25)
		if full {
			b = testutil.MakeForecastRun(name, "default").DatasetClaim("data", path).Mode(v1alpha1.ModeFull)
		}
		return b.Horizon(7).Parallelism(shards).Output("results", "runs").Obj()
	}
	one := map[bool]string{
		false: runShards(t, build("once-one", "sales.csv", 1, false), 1, dir, "sales.csv"),
		true:  runShards(t, build("once-one-full", "sales.csv", 1, true), 1, dir, "sales.csv"),
	}
	damage := func(file string) func(i int, folder string) {
		return func(i int, folder string) {
			if i == 0 {
				if err := os.WriteFile(filepath.Join(folder, file), []byte("not an index\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	tests := []struct {
		name, path string
		// full runs take every item, which shards reading by the index
		// plan without the summary of them all until they merge.
		full   bool
		damage func(i int, folder string)
		// fallsBack are the shards that must read every row.
		fallsBack []int
	}{
		{"as written", "sales.csv", false, nil, nil},
		{"every item", "sales.csv", true, nil, nil},
		{"sorted by date", "by-date.csv", false, nil, nil},
		{"a damaged spans file", "sales.csv", false, damage("spans-2"), []int{2}},
		{"a spans file cut short", "sales.csv", false, func(i int, folder string) {
			if i == 0 {
				cut(t, filepath.Join(folder, "spans-1"), 1) // its end only
			}
		}, []int{1}},
		{"a damaged summary", "sales.csv", false, damage("summary"), []int{1, 2, 3}},
		{"every item, a damaged count", "sales.csv", true, damage(shardsFile), []int{1, 2, 3}},
	}
	for n, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check := func(i int, folder string) {
				if i == 0 {
					if note, err := os.ReadFile(filepath.Join(folder, "index.done")); err != nil || string(note) != "ready\n" {
						t.Errorf("shard 0 left the index marked %q (%v), want ready", note, err)
					}
				}
				if tc.damage != nil {
					tc.damage(i, folder)
				}
			}
			run := build("once-"+string(rune('a'+n)), tc.path, 4, tc.full)
			four, logs, errs := indexedRun(t, run, filepath.Join(dir, tc.path), check)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("shard %d: %v", i, err)
				}
			}
			for _, f := range []string{"forecasts.csv", "leaderboard.csv"} {
				if !bytes.Equal(readFile(t, one[tc.full], f), readFile(t, four, f)) {
					t.Errorf("%s differs from the one Pod's", f)
				}
			}
			a := plotPaths.FindAll(readFile(t, one[tc.full], "report.html"), -1)
			if b := plotPaths.FindAll(readFile(t, four, "report.html"), -1); len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("report plots differ: one Pod draws %d paths, four shards %d", len(a), len(b))
			}
			if !strings.Contains(logs[0], indexedMsg) || strings.Contains(logs[1]+logs[2]+logs[3], indexedMsg) {
				t.Errorf("shard 0, and only it, should say it indexed the dataset; its log:\n%s", logs[0])
			}
			for i := 1; i < 4; i++ {
				used, want := strings.Contains(logs[i], readByIndex), !slices.Contains(tc.fallsBack, i)
				if used != want {
					t.Errorf("shard %d read by the index: %t, want %t; its log:\n%s", i, used, want, logs[i])
				}
				if summarised := strings.Contains(logs[i], "everyItemSummarised=true"); used && summarised == tc.full {
					t.Errorf("shard %d of a run of every item (%t) held every item's summary: %t; its log:\n%s", i, tc.full, summarised, logs[i])
				}
			}
			if plotted := strings.Contains(logs[3], "read the plotted items' history alone"); tc.damage == nil && !plotted {
				t.Errorf("the merging shard read every row again for the plotted items; its log:\n%s", logs[3])
			}
			if found, _ := filepath.Glob(filepath.Join(four, ".checkpoint", "input-*")); len(found) > 0 {
				t.Errorf("the index outlived the run: %v", found)
			}
		})
	}
}

// TestShardsOfABadDatasetReportItsLine: a row that cannot be read fails
// the shard that indexes the dataset with the row's line and marks the
// index failed; the shards after it read every row themselves and report
// the same line.
func TestShardsOfABadDatasetReportItsLine(t *testing.T) {
	dir := t.TempDir()
	csv := "item_id,date,quantity\n"
	for _, id := range []string{"A", "B", "C", "D", "E", "F"} {
		for d := 1; d <= 20; d++ {
			q := "3"
			if id == "E" && d == 7 {
				q = "three"
			}
			csv += id + ",2024-01-" + twoDigits(d) + "," + q + "\n"
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	run := testutil.MakeForecastRun("bad-indexed", "default").DatasetClaim("data", "bad.csv").Horizon(7).Parallelism(4).Output("results", "runs").Obj()
	_, logs, errs := indexedRun(t, run, filepath.Join(dir, "bad.csv"), func(i int, folder string) {
		if note, err := os.ReadFile(filepath.Join(folder, "index.done")); err != nil || string(note) != "failed\n" {
			t.Errorf("after shard %d the index is marked %q (%v), want failed", i, note, err)
		}
	})
	for i, err := range errs {
		var perr *series.ParseError
		if !errors.As(err, &perr) || perr.Line != 88 {
			t.Errorf("shard %d: %v, want a parse error at line 88", i, err)
		}
		if strings.Contains(logs[i], readByIndex) || strings.Contains(logs[i], indexedMsg) {
			t.Errorf("shard %d went by an index of a bad dataset; its log:\n%s", i, logs[i])
		}
	}
}

// cut drops the last n bytes of the file at path.
func cut(t *testing.T, path string, n int64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()-n); err != nil {
		t.Fatal(err)
	}
}

func twoDigits(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

// sortRowsByDate reorders a CSV file's rows by their date, then item.
func sortRowsByDate(t *testing.T, csv []byte) []byte {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")
	rows := lines[1:]
	key := func(row string) string {
		f := strings.Split(row, ",")
		return f[1] + "," + f[0]
	}
	slices.SortFunc(rows, func(a, b string) int { return strings.Compare(key(a), key(b)) })
	return []byte(lines[0] + "\n" + strings.Join(rows, "\n") + "\n")
}

// TestShardsStartingTogetherIndexOnce: four shards that start at once, as
// an Indexed Job's Pods do, index the dataset once between them: one
// reads every row and the others wait for its index and read their own
// rows by it; the results are the one Pod's.
func TestShardsStartingTogetherIndexOnce(t *testing.T) {
	dir := t.TempDir()
	writeDataset(t, dir, "sales.csv", false)
	build := func(name string, shards int32) *v1alpha1.ForecastRun {
		return testutil.MakeForecastRun(name, "default").DatasetClaim("data", "sales.csv").Mode(v1alpha1.ModeFull).Horizon(7).Parallelism(shards).Output("results", "runs").Obj()
	}
	one := runShards(t, build("together-one", 1), 1, dir, "sales.csv")
	run := build("together", 4)
	deleteAfter(t, run)
	out := t.TempDir()
	runners, logs := make([]*job.Runner, 4), make([]bytes.Buffer, 4)
	for i := range runners {
		runners[i] = newRunner(t, run, i, 4, out)
		runners[i].Env.DatasetFile, runners[i].Log = filepath.Join(dir, "sales.csv"), slog.New(slog.NewTextHandler(&logs[i], nil))
	}
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i, r := range runners {
		wg.Go(func() { errs[i] = r.Run(context.Background()) })
	}
	wg.Wait()
	indexed, byIndex := 0, 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		indexed += strings.Count(logs[i].String(), indexedMsg)
		byIndex += strings.Count(logs[i].String(), readByIndex)
	}
	if indexed != 1 || byIndex != 3 {
		t.Errorf("%d shards indexed the dataset and %d read by the index, want 1 and 3", indexed, byIndex)
	}
	for _, f := range []string{"forecasts.csv", "leaderboard.csv"} {
		if !bytes.Equal(readFile(t, one, f), readFile(t, filepath.Join(out, run.Name), f)) {
			t.Errorf("%s differs from the one Pod's", f)
		}
	}
}

// TestShardsFinishingTogetherAllReportDone: sixteen shards that finish at
// once each reread the run and apply their entry, and overtake each
// other's writes; every shard's last report (all its items done, and
// "done" or "shard done") still lands. Before the last report was retried
// with pauses, the merging shard's was sometimes lost at 16 shards.
func TestShardsFinishingTogetherAllReportDone(t *testing.T) {
	const shards = 16
	run := testutil.MakeForecastRun("together-done", "default").Synthetic(160, 40, 5).Mode(v1alpha1.ModeFull).Horizon(7).Parallelism(shards).Output("results", "runs").Obj()
	deleteAfter(t, run)
	out := t.TempDir()
	runners := make([]*job.Runner, shards)
	for i := range runners {
		runners[i] = newRunner(t, run, i, shards, out)
	}
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for i, r := range runners {
		wg.Go(func() { errs[i] = r.Run(context.Background()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	got := getRun(t, run.Name)
	if len(got.Status.Shards) != shards {
		t.Fatalf("%d shard entries, want %d", len(got.Status.Shards), shards)
	}
	for _, s := range got.Status.Shards {
		if s.ItemsTotal == 0 || s.ItemsDone != s.ItemsTotal || !(strings.HasPrefix(s.Message, "done:") || strings.HasPrefix(s.Message, "shard done")) {
			t.Errorf("shard %d's last report: %d/%d items, %q", s.Index, s.ItemsDone, s.ItemsTotal, s.Message)
		}
	}
}
