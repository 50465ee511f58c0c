package job_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/job"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

// writeDataset writes a synthetic dataset to dir/name as CSV or Parquet.
func writeDataset(t *testing.T, dir, name string, parquet bool) {
	t.Helper()
	ds, err := synth.Generate(synth.Config{Items: 60, Periods: 100, Frequency: series.Daily, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	ds.Items[4].Values = ds.Items[4].Values[:70] // stopped selling: extended with zeros
	var buf bytes.Buffer
	write := series.Write
	if parquet {
		write = series.WriteParquet
	}
	if err := write(&buf, ds, series.Columns{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// runShards runs every shard of run, reading the dataset file at dir/path,
// and returns the run's result folder.
func runShards(t *testing.T, run *v1alpha1.ForecastRun, shards int, dir, path string) string {
	t.Helper()
	deleteAfter(t, run)
	out := t.TempDir()
	for i := range shards {
		r := newRunner(t, run, i, shards, out)
		r.Env.DatasetFile = filepath.Join(dir, path)
		if err := r.Run(context.Background()); err != nil {
			t.Fatalf("%s shard %d: %v", run.Name, i, err)
		}
	}
	return filepath.Join(out, run.Name)
}

// plotPaths are the report's drawn lines, which show each plotted item's
// history: a shard that read only its share must fetch it for the report.
var plotPaths = regexp.MustCompile(`d="[^"]*"`)

// TestShardsReadingTheirShareMergeAsOnePod: shards that each read only
// their share of a CSV or Parquet file on a claim draw the same sample and
// write the same forecasts, leaderboard and report plots as one Pod that
// reads the whole file.
func TestShardsReadingTheirShareMergeAsOnePod(t *testing.T) {
	for _, format := range []string{"csv", "parquet"} {
		t.Run(format, func(t *testing.T) {
			dir, path := t.TempDir(), "sales."+format
			writeDataset(t, dir, path, format == "parquet")
			build := func(name string, shards int32) *v1alpha1.ForecastRun {
				return testutil.MakeForecastRun(name, "default").DatasetClaim("data", path).ItemLimit(25).Horizon(7).Parallelism(shards).Output("results", "runs").Obj()
			}
			one := runShards(t, build("one-"+format, 1), 1, dir, path)
			four := runShards(t, build("four-"+format, 4), 4, dir, path)
			for _, f := range []string{"forecasts.csv", "leaderboard.csv"} {
				a, b := readFile(t, one, f), readFile(t, four, f)
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between one Pod (%d bytes) and four shards (%d bytes)", f, len(a), len(b))
				}
			}
			a := plotPaths.FindAll(readFile(t, one, "report.html"), -1)
			b := plotPaths.FindAll(readFile(t, four, "report.html"), -1)
			if len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("report plots differ: one Pod draws %d paths, four shards %d", len(a), len(b))
			}
		})
	}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShardFinishingFirstReadsNoOtherResults: a shard that finishes while
// another has recorded only part of its items leaves the merge to it
// without decoding what it recorded (which costs a one-Pod run's memory):
// here the other shard's checkpoint is of another run, which a merge
// would refuse. Before the line count, shard 0 failed on it.
func TestShardFinishingFirstReadsNoOtherResults(t *testing.T) {
	out := t.TempDir()
	run := testutil.MakeForecastRun("first-done", "default").Synthetic(40, 60, 5).ItemLimit(20).Horizon(7).Parallelism(2).Output("results", "runs").Obj()
	deleteAfter(t, run)
	other := filepath.Join(out, "first-done", ".checkpoint", "shard-1.jsonl")
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	stale := `{"format":"forecastrun-checkpoint/v1","fingerprint":"sha256:another-run","shard":1}` + "\n" + `{"id":"SKU-00001"}` + "\n"
	if err := os.WriteFile(other, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := newRunner(t, run, 0, 2, out).Run(context.Background()); err != nil {
		t.Fatalf("shard 0: %v", err)
	}
	got := getRun(t, "first-done")
	if got.Status.Result != nil || !strings.HasPrefix(got.Status.Shards[0].Message, "shard done;") {
		t.Errorf("shard 0 wrote %+v, message %q; want no result and the items left to shard 1", got.Status.Result, got.Status.Shards[0].Message)
	}
}

// deleteAfter deletes run when the test ends, so that -count=N can create
// it again.
func deleteAfter(t *testing.T, run *v1alpha1.ForecastRun) {
	t.Cleanup(func() { _ = k8sClient.Delete(context.Background(), run.DeepCopy()) })
}

// TestShardAfterTheMergeLeavesIt: shards that find every item recorded at
// once take turns, and one whose turn comes after the merge of the same
// attempt does not merge again (each merge of a large run costs a
// one-Pod merge's CPU). Before the turns, shard 0 wrote the files again.
func TestShardAfterTheMergeLeavesIt(t *testing.T) {
	out := t.TempDir()
	run := testutil.MakeForecastRun("turns", "default").Synthetic(40, 60, 5).ItemLimit(20).Horizon(7).Parallelism(2).Output("results", "runs").Obj()
	deleteAfter(t, run)
	shard0 := newRunner(t, run, 0, 2, out)
	for i, r := range []*job.Runner{shard0, newRunner(t, run, 1, 2, out)} {
		if err := r.Run(context.Background()); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	forecasts := filepath.Join(out, "turns", "forecasts.csv")
	if err := os.Remove(forecasts); err != nil {
		t.Fatalf("the merge wrote no forecasts: %v", err)
	}
	if err := shard0.Run(context.Background()); err != nil {
		t.Fatalf("shard 0 again: %v", err)
	}
	if _, err := os.Stat(forecasts); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("shard 0 merged again after shard 1's merge (%v)", err)
	}
	if msg := getRun(t, "turns").Status.Shards[0].Message; msg != "shard done; the results were written by an earlier merge" {
		t.Errorf("shard 0 says %q", msg)
	}
}
