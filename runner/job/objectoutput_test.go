package job_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/job"
	"github.com/forecastrun/forecastrun/runner/objstore"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

// datasetCSV is a synthetic dataset as the long CSV a bucket would hold.
func datasetCSV(t *testing.T, items, periods int) []byte {
	t.Helper()
	ds, err := synth.Generate(synth.Config{Items: items, Periods: periods, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := series.Write(&buf, ds, series.DefaultColumns); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uniqueName keeps the runs of repeated executions (-count) apart in the
// suite's one API server.
func uniqueName(base string) string { return fmt.Sprintf("%s-%d", base, nameCounter.Add(1)) }

var nameCounter atomic.Int64

// bucketRunner is a Runner for shard index whose scratch folder is its
// own, as on a node of its own, and which reaches the loopback test
// server.
func bucketRunner(t *testing.T, s *testutil.S3Server, run *v1alpha1.ForecastRun, index, shards int) *job.Runner {
	r := newRunner(t, run, index, shards, "")
	key := objstore.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
	r.Env.DatasetCredentials, r.Env.OutputCredentials = key, key
	r.Env.ScratchRoot = t.TempDir()
	r.Env.Transport = http.DefaultTransport.(*http.Transport).Clone()
	return r
}

// TestShardsExchangeResultsThroughTheBucket: a sharded run reads its
// dataset from a bucket and writes its results there; the shards, each
// with a scratch folder of its own, merge through the bucket with no
// shared volume, and the result set appears with summary.json, written
// last, only once it is whole.
func TestShardsExchangeResultsThroughTheBucket(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "sales")
	s.MakeBucket(t, "results")
	s.Put(t, "sales", "2026/sales.csv", datasetCSV(t, 40, 90))
	name := uniqueName("from-bucket")
	run := testutil.MakeForecastRun(name, "default").ItemLimit(24).Horizon(7).Parallelism(3).
		ObjectStoreDataset(s.Endpoint, "sales", "2026/sales.csv", "s3").
		ObjectStoreOutput(s.Endpoint, "results", "forecasts/nightly", "s3").Obj()
	run.Spec.Dataset.ObjectStore.Region, run.Spec.Output.ObjectStore.Region = "us-east-1", "us-east-1"
	for i := range 3 {
		if err := bucketRunner(t, s, run, i, 3).Run(context.Background()); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		keys := s.Keys(t, "results", "forecasts/nightly/"+name+"/")
		hasSummary := slices.Contains(keys, "forecasts/nightly/"+name+"/summary.json")
		if i < 2 && hasSummary {
			t.Fatalf("summary.json published after shard %d of 3: %v", i, keys)
		}
	}
	got := getRun(t, name)
	if got.Status.Result == nil || got.Status.Result.ItemsForecast != 24 {
		t.Fatalf("status.result = %+v, want 24 items", got.Status.Result)
	}
	if want := "s3://results/forecasts/nightly/" + name + "/"; got.Status.Result.OutputPath != want {
		t.Errorf("outputPath = %q, want %q", got.Status.Result.OutputPath, want)
	}
	forecasts := s.Get(t, "results", "forecasts/nightly/"+name+"/forecasts.csv")
	if rows := bytes.Count(forecasts, []byte("\n")) - 1; rows != 24*7 {
		t.Errorf("forecasts.csv has %d rows, want 24 items x 7 steps", rows)
	}
	var summary map[string]any
	if err := json.Unmarshal(s.Get(t, "results", "forecasts/nightly/"+name+"/summary.json"), &summary); err != nil {
		t.Errorf("summary.json: %v", err)
	}
	for _, f := range []string{"leaderboard.csv", "report.html"} {
		if len(s.Get(t, "results", "forecasts/nightly/"+name+"/"+f)) == 0 {
			t.Errorf("%s is empty", f)
		}
	}
	shardObjects := 0
	for _, k := range s.Keys(t, "results", "forecasts/nightly/"+name+"/.checkpoint/") {
		if strings.HasPrefix(filepath.Base(k), "shard-") {
			shardObjects++
		}
	}
	if shardObjects != 3 {
		t.Errorf("%d shard checkpoint objects, want 3", shardObjects)
	}
}

// TestReplacedShardResumesFromTheBucket: a shard whose Pod is replaced
// (an empty scratch folder) restores its checkpoint from the bucket and
// forecasts nothing again.
func TestReplacedShardResumesFromTheBucket(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "sales")
	s.MakeBucket(t, "results")
	s.Put(t, "sales", "sales.csv", datasetCSV(t, 20, 90))
	name := uniqueName("resumed-from-bucket")
	run := testutil.MakeForecastRun(name, "default").ItemLimit(6).Horizon(7).
		ObjectStoreDataset(s.Endpoint, "sales", "sales.csv", "s3").
		ObjectStoreOutput(s.Endpoint, "results", "", "s3").Obj()
	run.Spec.Dataset.ObjectStore.Region, run.Spec.Output.ObjectStore.Region = "us-east-1", "us-east-1"
	r := bucketRunner(t, s, run, 0, 1)
	if err := r.Run(context.Background()); err != nil {
		t.Fatalf("first Pod: %v", err)
	}
	r.Env.ScratchRoot = t.TempDir() // a new Pod, with empty scratch space
	var log bytes.Buffer
	r.Log = slog.New(slog.NewTextHandler(&log, nil))
	if err := r.Run(context.Background()); err != nil {
		t.Fatalf("replacement Pod: %v", err)
	}
	if !strings.Contains(log.String(), `msg="resuming from checkpoint" itemsDone=6`) {
		t.Errorf("the replacement Pod did not resume the 6 items from the bucket; its log:\n%s", log.String())
	}
	if msg := getRun(t, name).Status.Shards[0].Message; !strings.HasPrefix(msg, "done") {
		t.Errorf("final message %q", msg)
	}
	keys := s.Keys(t, "results", name+"/.checkpoint/")
	if len(keys) != 1 {
		t.Fatalf("checkpoint objects %v, want one", keys)
	}
	if lines := bytes.Count(s.Get(t, "results", keys[0]), []byte("\n")); lines != 1+6 {
		t.Errorf("checkpoint has %d lines, want a header and 6 items (nothing redone)", lines)
	}
}

// TestWrongBucketKeyFailsPermanently: refused credentials are not retried
// by the Job: the runner reports a permanent failure naming the object.
func TestWrongBucketKeyFailsPermanently(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "sales")
	name := uniqueName("wrong-key")
	run := testutil.MakeForecastRun(name, "default").ItemLimit(6).Horizon(7).
		ObjectStoreDataset(s.Endpoint, "sales", "sales.csv", "s3").Obj()
	run.Spec.Dataset.ObjectStore.Region = "us-east-1"
	r := bucketRunner(t, s, run, 0, 1)
	r.Env.DatasetCredentials.SecretAccessKey = "wrong"
	err := r.Run(context.Background())
	if !job.IsPermanent(err) || !errors.Is(err, objstore.ErrDenied) {
		t.Fatalf("Run = %v, want a permanent access-denied failure", err)
	}
	if msg := getRun(t, name).Status.Shards[0].Message; !strings.Contains(msg, "s3://sales/sales.csv") {
		t.Errorf("shard message %q does not name the object", msg)
	}
}
