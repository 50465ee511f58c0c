package job

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/objstore"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/report"
	"github.com/forecastrun/forecastrun/runner/source"
)

// resultBucket is a run's output in an object store. The runner works in
// its scratch folder as it does without an output claim; the bucket
// receives each shard's checkpoint when the shard is done, from where the
// merging shard reads them (so shards on different nodes need no shared
// volume), and the result files at the end. A nil *resultBucket (output on
// a claim, or none) does nothing.
type resultBucket struct {
	bucket *objstore.Bucket
	// folder is <prefix>/<run name>, the result files' folder.
	folder string
}

// openResultBucket prepares the run's output bucket, or returns nil when
// the output is not an object store.
func openResultBucket(run *v1alpha1.ForecastRun, e Env) (*resultBucket, error) {
	if run.Spec.Output == nil || run.Spec.Output.ObjectStore == nil {
		return nil, nil
	}
	store := run.Spec.Output.ObjectStore
	b, err := source.OpenBucket(store.ObjectStore, e.OutputCredentials, source.Options{Egress: e.Egress, Transport: e.Transport})
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	return &resultBucket{bucket: b, folder: path.Join(store.Prefix, run.Name)}, nil
}

// outputPath is where a person finds the files: s3://bucket/prefix/run/.
func (o *resultBucket) outputPath() string { return o.bucket.Name(o.folder) + "/" }

// shardKey is shard index's checkpoint object. The run's fingerprint is
// part of the key, so that objects left by an earlier run of the same name
// with another dataset or spec are never merged into this one.
func (o *resultBucket) shardKey(fingerprint string, index int) string {
	digest := strings.TrimPrefix(fingerprint, "sha256:")
	return path.Join(o.folder, checkpoint.Folder, digest, "shard-"+strconv.Itoa(index)+".jsonl")
}

// restoreShard brings back the shard's checkpoint from the bucket when the
// scratch folder has none: a replaced Pod then skips the items its
// predecessor finished and uploaded.
func (o *resultBucket) restoreShard(ctx context.Context, dir, fingerprint string, index int) error {
	local := checkpoint.Path(dir, index)
	if o == nil || fileExists(local) {
		return nil
	}
	if _, err := o.bucket.GetFile(ctx, o.shardKey(fingerprint, index), local); err != nil {
		return fmt.Errorf("restoring the checkpoint: %w", err)
	}
	return nil
}

// publishShard uploads the shard's finished checkpoint.
func (o *resultBucket) publishShard(ctx context.Context, dir, fingerprint string, index int) error {
	if o == nil {
		return nil
	}
	if err := o.bucket.PutFile(ctx, o.shardKey(fingerprint, index), checkpoint.Path(dir, index)); err != nil {
		return fmt.Errorf("publishing the shard's results: %w", err)
	}
	return nil
}

// collectShards downloads the other shards' checkpoints into the scratch
// folder, where the merge reads them (checkpoint.OpenShards). Every shard publishes its own
// before it collects, so the last of them to finish sees them all.
func (o *resultBucket) collectShards(ctx context.Context, dir, fingerprint string, shards, index int) error {
	if o == nil {
		return nil
	}
	for i := range shards {
		if i == index {
			continue
		}
		if _, err := o.bucket.GetFile(ctx, o.shardKey(fingerprint, i), checkpoint.Path(dir, i)); err != nil {
			return fmt.Errorf("collecting the results of shard %d: %w", i, err)
		}
	}
	return nil
}

// publishOrder is the order result files are uploaded in: summary.json
// last, so that a reader that finds it finds the whole set.
var publishOrder = []string{output.ForecastsFile, output.LeaderboardFile, report.FileName, output.SummaryFile}

// publishResults uploads the run's files. A summary.json left by an
// earlier attempt goes first, so that no reader takes a mix of old and
// new files for a finished set.
func (o *resultBucket) publishResults(ctx context.Context, dir string) error {
	if o == nil {
		return nil
	}
	if err := o.bucket.Remove(ctx, path.Join(o.folder, output.SummaryFile)); err != nil {
		return fmt.Errorf("publishing the results: %w", err)
	}
	for _, name := range publishOrder {
		if err := o.bucket.PutFile(ctx, path.Join(o.folder, name), filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("publishing the results: %w", err)
		}
	}
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
