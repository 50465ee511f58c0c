package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runnerenv"
)

// Reuse (spec.reuse) finishes a new run with the result of an identical
// Succeeded run no older than maxAge, when the data is known to be the
// same: the controller knows a ConfigMap's content by its UID and
// resourceVersion, and a synthetic dataset's by its spec, before anything
// runs. A URL, claim file or object is known only by reading it: the runner
// reports the digest of what it read (result.dataDigest), which later runs
// compare once their own runner has read the data.

// dataVersionSynthetic is the data version of a synthetic dataset: its
// spec, part of the run's identity, determines it.
const dataVersionSynthetic = "synthetic"

// knownDataVersion is the version of the run's data as the controller can
// know it without reading the data: "" for a URL, claim file or object.
func (r *Reconciler) knownDataVersion(ctx context.Context, run *v1alpha1.ForecastRun) (string, error) {
	ds := run.Spec.Dataset
	switch {
	case ds.Synthetic != nil:
		return dataVersionSynthetic, nil
	case ds.ConfigMap == nil:
		return "", nil
	}
	// Uncached: the manager may get ConfigMaps but neither lists nor
	// watches them.
	var cm corev1.ConfigMap
	err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: ds.ConfigMap.Name}, &cm)
	if apierrors.IsNotFound(err) {
		return "", nil // the runner will say so
	}
	if err != nil {
		return "", fmt.Errorf("reading ConfigMap %s for its version: %w", ds.ConfigMap.Name, err)
	}
	return configMapVersion(&cm), nil
}

// knownBeforehand is version when the controller knows it before the run
// starts, "" for the digest a runner reported of what it read: only a
// version known beforehand can tell new runs apart.
func knownBeforehand(version string) string {
	if strings.HasPrefix(version, "sha256:") {
		return ""
	}
	return version
}

func configMapVersion(cm *corev1.ConfigMap) string {
	return fmt.Sprintf("configmap/%s/%s", cm.UID, cm.ResourceVersion)
}

// isNew reports whether a waiting run has not been queued or admitted yet.
func isNew(run *v1alpha1.ForecastRun) bool {
	phase := run.Status.Phase
	return (phase == "" || phase == v1alpha1.PhasePending) && run.Status.StartTime == nil
}

// wantsReuse reports whether a waiting run looks for a result to reuse: it
// asked to, is new, and knows its data version (recorded by its first pass,
// so that its identity includes it).
func wantsReuse(run *v1alpha1.ForecastRun) bool {
	return run.Spec.Reuse != nil && isNew(run) && run.Status.DataVersion != ""
}

// needsDataVersion reports whether a new run has yet to record the version
// of its data, which is part of its identity.
func needsDataVersion(run *v1alpha1.ForecastRun) bool {
	return isNew(run) && run.Status.DataVersion == ""
}

// recordDataVersion records the data version a new run's first pass read;
// the next pass looks for identical runs with it.
func (p *pass) recordDataVersion() {
	p.run.Status.DataVersion = p.w.dataVersion
	p.wakeIn(nextPassSoon)
}

// findReusable returns the most recent Succeeded run whose result run may
// take: same identity, same data version, same runner image, completed no
// longer than maxAge before now. Runs that reused a result pass on the
// original's, so the age is always the computation's.
func (r *Reconciler) findReusable(ctx context.Context, run *v1alpha1.ForecastRun, dataVersion string, now time.Time) (*v1alpha1.ForecastRun, error) {
	if dataVersion == "" {
		return nil, nil
	}
	identical, err := r.identicalRuns(ctx, run)
	if err != nil {
		return nil, fmt.Errorf("listing runs to find a result to reuse: %w", err)
	}
	var best *v1alpha1.ForecastRun
	for i := range identical {
		o := &identical[i]
		if reusable(o, dataVersion, r.Config.RunnerImage, run.Spec.Reuse.MaxAge.Duration, now) &&
			(best == nil || o.Status.CompletionTime.After(best.Status.CompletionTime.Time)) {
			best = o
		}
	}
	return best, nil
}

// reusable reports whether o's result may be taken for data at dataVersion
// computed by image, at most maxAge after o's computation ended.
func reusable(o *v1alpha1.ForecastRun, dataVersion, image string, maxAge time.Duration, now time.Time) bool {
	st := &o.Status
	return st.Phase == v1alpha1.PhaseSucceeded && st.Result != nil && st.CompletionTime != nil &&
		st.DataVersion == dataVersion && st.RunnerImage == image && o.DeletionTimestamp.IsZero() &&
		now.Sub(computedAt(o)) <= maxAge
}

// computedAt is when o's result was computed: its own completion, or that
// of the run it reused the result of.
func computedAt(o *v1alpha1.ForecastRun) time.Time {
	if f := o.Status.ReusedFrom; f != nil {
		return f.CompletionTime.Time
	}
	return o.Status.CompletionTime.Time
}

// reuse ends a waiting run with source's result, without a lock or a Job.
func (p *pass) reuse(source *v1alpha1.ForecastRun) {
	run, now := p.run, p.now()
	run.Status.QueuePosition, run.Status.LockHolder = nil, nil
	run.Status.StartTime = &now
	p.takeResult(source)
}

// takeResult ends the run Succeeded with source's result, naming the run
// that computed it.
func (p *pass) takeResult(source *v1alpha1.ForecastRun) {
	run := p.run
	from := v1alpha1.ReusedFrom{Name: source.Name, UID: source.UID, CompletionTime: *source.Status.CompletionTime}
	if f := source.Status.ReusedFrom; f != nil {
		from = *f // the computation's own run, not a run that reused it
	}
	run.Status.ReusedFrom = &from
	run.Status.Result = source.Status.Result.DeepCopy()
	run.Status.Result.FencingToken, run.Status.Result.ReusedFrom = "", ""
	run.Status.DataVersion, run.Status.RunnerImage = source.Status.DataVersion, source.Status.RunnerImage
	p.setPhase(v1alpha1.PhaseSucceeded, v1alpha1.ReasonReused, reusedMessage(from, p.w.now, run.Spec.Reuse.MaxAge.Duration))
}

// finishReused ends a run whose runner found, after reading the data, that
// the run named source had computed the result from the same data. Should
// source be gone by now, the run fails saying so: nothing was computed.
func (p *pass) finishReused(source string) {
	if src := p.w.reuseSource; src != nil && src.Name == source && src.Status.Phase == v1alpha1.PhaseSucceeded &&
		src.Status.Result != nil && src.Status.CompletionTime != nil {
		p.takeResult(src)
		return
	}
	p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonJobFailed, fmt.Sprintf(
		"the runner found the data unchanged since %s, whose result it was to reuse, but %s no longer has a result; run this again without spec.reuse", source, source))
}

// maxReuseCandidates bounds the list handed to a runner.
const maxReuseCandidates = 16

// digestCandidates lists, for a run with spec.reuse whose data the
// controller cannot know (a URL, claim file or object), the identical
// Succeeded runs within maxAge whose data is known by a digest: its runner
// compares them with the digest of what it reads.
func (r *Reconciler) digestCandidates(ctx context.Context, run *v1alpha1.ForecastRun, now time.Time) (string, error) {
	if run.Spec.Reuse == nil || run.Status.DataVersion != "" {
		return "", nil
	}
	identical, err := r.identicalRuns(ctx, run)
	if err != nil {
		return "", fmt.Errorf("listing runs to find results to reuse: %w", err)
	}
	var found []*v1alpha1.ForecastRun
	for i := range identical {
		o := &identical[i]
		if o.Name != run.Name && strings.HasPrefix(o.Status.DataVersion, "sha256:") &&
			reusable(o, o.Status.DataVersion, r.Config.RunnerImage, run.Spec.Reuse.MaxAge.Duration, now) {
			found = append(found, o)
		}
	}
	slices.SortFunc(found, func(a, b *v1alpha1.ForecastRun) int {
		return b.Status.CompletionTime.Compare(a.Status.CompletionTime.Time)
	})
	var entries []string
	for _, o := range found[:min(len(found), maxReuseCandidates)] {
		entries = append(entries, o.Status.DataVersion+"="+o.Name)
	}
	return strings.Join(entries, ","), nil
}

// reuseSourceOf reads the run whose result the runner chose to take.
func (r *Reconciler) reuseSourceOf(ctx context.Context, run *v1alpha1.ForecastRun) (*v1alpha1.ForecastRun, error) {
	res := run.Status.Result
	if res == nil || res.ReusedFrom == "" || res.FencingToken != run.Status.FencingToken {
		return nil, nil
	}
	var src v1alpha1.ForecastRun
	err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: res.ReusedFrom}, &src)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s, whose result the runner reused: %w", res.ReusedFrom, err)
	}
	return &src, nil
}

func reusedMessage(from v1alpha1.ReusedFrom, now time.Time, maxAge time.Duration) string {
	return fmt.Sprintf("reused the result of %s, computed %s ago: the same data and settings (reuse.maxAge %s)",
		from.Name, from.Age(now), maxAge)
}

// observeReuse reads the data version a waiting run records when it is
// admitted, and the result it may reuse.
func (r *Reconciler) observeReuse(ctx context.Context, run *v1alpha1.ForecastRun, w *world) error {
	if w.lock.state != lockMine && !wantsReuse(run) && !needsDataVersion(run) {
		return nil
	}
	var err error
	if w.dataVersion, err = r.knownDataVersion(ctx, run); err != nil {
		return err
	}
	// A pass that records the version takes no lock: the next one first
	// looks for identical runs, and a result to reuse, with it.
	w.recordsDataVersion = needsDataVersion(run) && w.dataVersion != ""
	if !wantsReuse(run) || w.dataVersion != run.Status.DataVersion {
		return nil
	}
	w.reusable, err = r.findReusable(ctx, run, w.dataVersion, w.now)
	return err
}

// offerReuse hands the runner Job the results its runner may take.
func offerReuse(obj client.Object, candidates string) {
	job, ok := obj.(*batchv1.Job)
	if !ok || candidates == "" {
		return
	}
	c := &job.Spec.Template.Spec.Containers[0]
	c.Env = append(c.Env, corev1.EnvVar{Name: runnerenv.ReuseCandidates, Value: candidates})
}
