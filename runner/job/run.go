package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/objstore"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/source"
	"github.com/forecastrun/forecastrun/runner/source/egress"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// ErrPermanent marks failures that a retry cannot fix: a malformed dataset,
// an invalid spec. The command exits with ExitPermanent for them, which the
// Job's pod failure policy turns into an immediate Job failure instead of
// backoffLimit identical retries.
var ErrPermanent = errors.New("permanent failure")

// ExitPermanent is the exit code for ErrPermanent.
const ExitPermanent = 3

// Runner executes one shard of a ForecastRun.
type Runner struct {
	Client client.Client
	Env    Env
	Log    *slog.Logger

	// results is the run's output bucket; nil unless output.objectStore.
	results *resultBucket
	// index is the folder of the run's index of its dataset, which the
	// shard that writes the results removes; empty when the run has none.
	index string
	// every is set when the shard forecasts every item of the dataset and
	// read its own by the index (planEveryItem).
	every *everyItem
}

// Run executes the shard. On failure it records the error in the shard's
// status entry, where the controller reads it, before returning it.
func (r *Runner) Run(ctx context.Context) error {
	if limit := setMemoryLimit(); limit > 0 {
		r.Log.Info("soft memory limit from the container's", "bytes", limit)
	}
	w := statusWriter{c: r.Client, env: r.Env}
	rep := &progressReporter{w: w, log: r.Log}
	loopCtx, stop := context.WithCancel(ctx)
	defer stop()
	looped := make(chan struct{})
	go func() { defer close(looped); rep.loop(loopCtx) }()

	err := r.run(ctx, rep)
	// The last report goes after any the loop still has in flight, which
	// would otherwise land after it with older counts.
	stop()
	<-looped
	if err != nil {
		rep.fail(err)
	}
	rep.flushLast(context.WithoutCancel(ctx))
	return err
}

func (r *Runner) run(ctx context.Context, rep *progressReporter) error {
	var run v1alpha1.ForecastRun
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: r.Env.Namespace, Name: r.Env.RunName}, &run); err != nil {
		return fmt.Errorf("reading ForecastRun %s/%s: %w", r.Env.Namespace, r.Env.RunName, err)
	}
	if prev, ok := r.earlierReport(&run); ok {
		rep.resumeFrom(int(prev.ItemsDone), int(prev.ItemsTotal))
	}
	var err error
	if r.results, err = openResultBucket(&run, r.Env); err != nil {
		return classify(err)
	}
	rep.set(shardProgress{message: "loading dataset"})
	ds, err := r.load(ctx, run.Spec)
	if err != nil {
		return classify(fmt.Errorf("loading the dataset: %w", err))
	}
	plan, err := r.newPlan(run.Spec, ds)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPermanent, err)
	}
	if source := r.Env.ReuseCandidates[plan.DataDigest]; source != "" {
		return r.reuse(ctx, source, plan, rep)
	}
	return r.forecast(ctx, &run, plan, rep)
}

// newPlan is NewPlan, or planEveryItem for a shard that read by the
// index a run of every item.
func (r *Runner) newPlan(spec v1alpha1.ForecastRunSpec, ds *series.Dataset) (Plan, error) {
	if r.every != nil {
		return planEveryItem(spec, ds, r.Env, r.every)
	}
	return NewPlan(spec, ds, r.Env)
}

// earlierReport is this shard's entry in the run's status from an earlier
// attempt under the same fencing token: a Pod that was killed or evicted
// and replaced by the Job controller.
func (r *Runner) earlierReport(run *v1alpha1.ForecastRun) (v1alpha1.ShardStatus, bool) {
	for _, s := range run.Status.Shards {
		if int(s.Index) == r.Env.Index && s.FencingToken == r.Env.FencingToken {
			return s, true
		}
	}
	return v1alpha1.ShardStatus{}, false
}

// classify marks dataset errors that a retry cannot fix as permanent: a
// malformed or oversized file, a URL or object store on an address
// downloads may not reach, refused credentials, a missing bucket or object.
// A download that kept dropping is worth the Job's retry.
func classify(err error) error {
	if errors.Is(err, objstore.ErrDropped) {
		return err
	}
	var perr *series.ParseError
	if errors.As(err, &perr) || objstore.IsPermanent(err) || errors.Is(err, source.ErrNoSource) || errors.Is(err, source.ErrTooLarge) || errors.Is(err, egress.ErrRefused) {
		return fmt.Errorf("%w: %w", ErrPermanent, err)
	}
	return err
}

func (r *Runner) sourceOptions(spec v1alpha1.Dataset) source.Options {
	return source.Options{
		Namespace:  r.Env.Namespace,
		ConfigMaps: source.FromReader(r.Client),
		Egress:     r.Env.Egress,
		// An output bucket has a Secret of its own.
		ObjectStoreCredentials: r.Env.DatasetCredentials,
		Transport:              r.Env.Transport,
		MountPath: func(string) string {
			// The controller passes the dataset file's full path; the
			// claim's mount is that path less the spec's path inside the
			// volume.
			if spec.PersistentVolumeClaim == nil {
				return ""
			}
			rel := filepath.FromSlash(spec.PersistentVolumeClaim.Path)
			return strings.TrimSuffix(strings.TrimSuffix(r.Env.DatasetFile, rel), string(filepath.Separator))
		},
	}
}

// forecast runs this shard's items, resuming from its checkpoint, and
// writes the run's files once every shard's items are recorded.
func (r *Runner) forecast(ctx context.Context, run *v1alpha1.ForecastRun, plan Plan, rep *progressReporter) error {
	dir := r.Env.ResultDir()
	if err := r.results.restoreShard(ctx, dir, plan.Fingerprint, r.Env.Index); err != nil {
		return err
	}
	ck, done, err := checkpoint.Open(dir, r.Env.Index, plan.Fingerprint)
	if err != nil {
		return fmt.Errorf("opening the checkpoint in %s: %w", dir, err)
	}
	defer ck.Close()
	if len(done) > 0 {
		r.Log.Info("resuming from checkpoint", "itemsDone", len(done), "items", len(plan.Mine))
	}
	cfg := plan.Tournament
	cfg.Skip = checkpoint.Skip(done)
	var appendErr error
	cfg.OnItem = func(it tournament.ItemResult) {
		if err := ck.Append(it); err != nil && appendErr == nil {
			appendErr = err
		}
	}
	rep.set(shardProgress{done: len(done), total: len(plan.Mine), message: resumeMessage(len(done))})
	if err := tournament.Stream(ctx, plan.Mine, cfg, rep.update); err != nil {
		return fmt.Errorf("forecasting: %w", err)
	}
	if appendErr != nil {
		return fmt.Errorf("writing the checkpoint: %w", appendErr)
	}
	if err := ck.Sync(); err != nil {
		return fmt.Errorf("writing the checkpoint: %w", err)
	}
	if err := r.results.publishShard(ctx, dir, plan.Fingerprint, r.Env.Index); err != nil {
		return err
	}
	return r.finish(ctx, run, plan, rep)
}

func resumeMessage(restored int) string {
	if restored == 0 {
		return "forecasting"
	}
	return fmt.Sprintf("forecasting; resumed %d items from checkpoint", restored)
}

// IsPermanent reports whether err is a failure that a retry cannot fix.
func IsPermanent(err error) bool { return errors.Is(err, ErrPermanent) }
