package job

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Field managers of the runner's server-side applies. Each shard owns its
// own status.shards entry, so shards never conflict with each other or with
// the controller, which never writes that list.
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
// manager.
func (w statusWriter) applyStatus(ctx context.Context, manager string, status map[string]any) error {
	body, err := json.Marshal(map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(),
		"kind":       "ForecastRun",
		"metadata":   map[string]any{"name": w.env.RunName, "namespace": w.env.Namespace},
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

// applyShard reports this shard's progress in status.shards[index].
func (w statusWriter) applyShard(ctx context.Context, p shardProgress) error {
	entry := map[string]any{
		"index":        w.env.Index,
		"itemsDone":    p.done,
		"itemsTotal":   p.total,
		"message":      truncate(p.message, 1024),
		"updatedAt":    metav1.NewTime(time.Now()).UTC().Format(time.RFC3339),
		"fencingToken": w.env.FencingToken,
	}
	err := w.applyStatus(ctx, shardManager(w.env.Index), map[string]any{"shards": []any{entry}})
	if err != nil {
		return fmt.Errorf("reporting progress of shard %d: %w", w.env.Index, err)
	}
	return nil
}

// applyResult records the run's summary in status.result.
func (w statusWriter) applyResult(ctx context.Context, r v1alpha1.Result) error {
	if err := w.applyStatus(ctx, resultManager, map[string]any{"result": r}); err != nil {
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
