//go:build e2e

package e2e

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestShardedRunFromBucketToBucket: a Full run with two shards reads its
// dataset, a Parquet file, from a real S3 server (versitygw, on the node's bridge address, which
// the manager's --dataset-allowed-hosts lists) and writes its results
// there. No claim is involved: each shard works in its own Pod's scratch
// space, the shards merge through the bucket, and the access key comes
// from a Secret.
func TestShardedRunFromBucketToBucket(t *testing.T) {
	ns := namespace(t)
	s3 := testutil.StartS3(t, env.nodeIP)
	s3.MakeBucket(t, "sales")
	s3.MakeBucket(t, "forecasts")
	const items, horizon = 40, 14
	s3.Put(t, "sales", "exports/daily.parquet", testutil.ParquetOf(t, smallCSV(items, 200)))
	kubectl(t, "create", "secret", "generic", "s3", "-n", ns,
		"--from-literal=AWS_ACCESS_KEY_ID="+s3.AccessKey, "--from-literal=AWS_SECRET_ACCESS_KEY="+s3.SecretKey)

	store := v1alpha1.ObjectStore{Endpoint: s3.Endpoint, Bucket: "sales", CredentialsSecret: v1alpha1.ObjectStoreCredentials{Name: "s3"}}
	run := newRun("from-bucket", func(r *v1alpha1.ForecastRun) {
		r.Spec.Mode = v1alpha1.ModeFull
		r.Spec.Parallelism = 2
		r.Spec.Dataset = v1alpha1.Dataset{Frequency: "daily", ObjectStore: &v1alpha1.ObjectStoreDataset{ObjectStore: store, Key: "exports/daily.parquet"}}
		out := store
		out.Bucket = "forecasts"
		r.Spec.Output = &v1alpha1.Output{ObjectStore: &v1alpha1.ObjectStoreOutput{ObjectStore: out, Prefix: "nightly"}}
	})
	apply(t, ns, run)
	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, smallRun)

	if want := "s3://forecasts/nightly/from-bucket/"; done.Status.Result == nil || done.Status.Result.OutputPath != want {
		t.Errorf("status.result %+v, want outputPath %s", done.Status.Result, want)
	}
	assertShardsSum(t, done, items)
	js := jobs(t, ns)
	if len(js) != 1 {
		t.Fatalf("%d Jobs, want 1", len(js))
	}
	for _, v := range js[0].Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			t.Errorf("the runner Pods mount claim %s; a run from and to a bucket needs none", v.PersistentVolumeClaim.ClaimName)
		}
	}
	if spec := js[0].Spec.Template.String(); strings.Contains(spec, s3.SecretKey) {
		t.Errorf("the Job's Pod template holds the secret access key")
	}

	folder := "nightly/from-bucket/"
	checkpoints := 0
	for _, k := range s3.Keys(t, "forecasts", folder) {
		if strings.Contains(k, "/.checkpoint/") && strings.HasPrefix(path.Base(k), "shard-") {
			checkpoints++
		}
	}
	if checkpoints != 2 {
		t.Errorf("%d shard checkpoints in the bucket, want one per shard (2)", checkpoints)
	}
	dir := t.TempDir()
	for _, f := range []string{"forecasts.csv", "leaderboard.csv", "report.html", "summary.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), s3.Get(t, "forecasts", folder+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkResults(t, dir, items, horizon)
}
