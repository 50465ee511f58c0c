package job

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runprogress"
)

// Field managers of the runner's server-side applies. Each shard owns its
// own status.shards entry, so shards never conflict with each other or with
// the controller, which never writes that list. The summary a shard writes
// with its entry (progress, ETA, message) passes between the shards and the
// controller; the applies are conditional on the run read, so none of them
// writes a summary of shards it has not seen.
const (
	resultManager = "forecastrun-runner"
)

func shardManager(index int) string { return fmt.Sprintf("forecastrun-runner-shard-%d", index) }

// statusWriter applies the runner's parts of a run's status.
type statusWriter struct {
	c   client.Client
	env Env
}

// applyStatus server-side-applies status (a partial status object) under
// manager. A non-empty resourceVersion makes the apply conditional on the
// run being unchanged since it was read.
func (w statusWriter) applyStatus(ctx context.Context, manager, resourceVersion string, status map[string]any) error {
	meta := map[string]any{"name": w.env.RunName, "namespace": w.env.Namespace}
	if resourceVersion != "" {
		meta["resourceVersion"] = resourceVersion
	}
	body, err := json.Marshal(map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(),
		"kind":       "ForecastRun",
		"metadata":   meta,
		"status":     status,
	})
	if err != nil {
		return err
	}
	run := &v1alpha1.ForecastRun{ObjectMeta: metav1.ObjectMeta{Name: w.env.RunName, Namespace: w.env.Namespace}}
	return w.c.Status().Patch(ctx, run, client.RawPatch(types.ApplyPatchType, body),
		client.FieldOwner(manager), client.ForceOwnership)
}

// shardProgress is one report of this shard's progress.
type shardProgress struct {
	done, total int
	message     string
}

// reportAttempts bounds the rereads when other shards or the controller
// write the run between this shard's read and its report.
const reportAttempts = 3

// applyShard reports this shard's progress in status.shards[index], and in
// the same write the run's summary that follows from it (progress, ETA,
// running message: runprogress.Summarize on the run as just read), so that
// one step is one update of the run and the controller, which computes the
// same summary, has nothing to add. The write is conditional on the run
// read; a run changed in between is read again.
func (w statusWriter) applyShard(ctx context.Context, p shardProgress) error {
	entry := v1alpha1.ShardStatus{
		Index:        int32(w.env.Index),
		ItemsDone:    int32(p.done),
		ItemsTotal:   int32(p.total),
		Message:      truncate(p.message, 1024),
		UpdatedAt:    &metav1.Time{Time: time.Now().Truncate(time.Second)},
		FencingToken: w.env.FencingToken,
	}
	var err error
	for range reportAttempts {
		var run v1alpha1.ForecastRun
		if err = w.c.Get(ctx, client.ObjectKey{Namespace: w.env.Namespace, Name: w.env.RunName}, &run); err != nil {
			break
		}
		err = w.applyStatus(ctx, shardManager(w.env.Index), run.ResourceVersion, withSummary(&run, entry))
		if !apierrors.IsConflict(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("reporting progress of shard %d: %w", w.env.Index, err)
	}
	return nil
}

// withSummary is the status a shard applies: its entry, and the summary of
// run with that entry in place. The summary is recomputed only while the
// run is Running under the shard's own hold; otherwise it is the run's as
// read, applied unchanged, which keeps what the shard's field manager owns
// from being removed by its absence.
func withSummary(run *v1alpha1.ForecastRun, entry v1alpha1.ShardStatus) map[string]any {
	st := &run.Status
	replaced := false
	for i := range st.Shards {
		if st.Shards[i].Index == entry.Index {
			st.Shards[i], replaced = entry, true
		}
	}
	if !replaced {
		st.Shards = append(st.Shards, entry)
	}
	if st.Phase == v1alpha1.PhaseRunning && st.FencingToken == entry.FencingToken {
		runprogress.Summarize(run)
	}
	status := map[string]any{"shards": []v1alpha1.ShardStatus{entry}}
	if st.Progress != nil {
		status["progress"] = st.Progress
	}
	if st.EstimatedCompletionTime != nil {
		status["estimatedCompletionTime"] = st.EstimatedCompletionTime
	}
	if st.Message != "" {
		status["message"] = st.Message
	}
	return status
}

// applyResult records the run's summary in status.result.
func (w statusWriter) applyResult(ctx context.Context, r v1alpha1.Result) error {
	if err := w.applyStatus(ctx, resultManager, "", map[string]any{"result": r}); err != nil {
		return fmt.Errorf("recording the result: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
