package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runnerenv"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// computeRun runs name to Succeeded the way a runner would: its Job is
// created, the runner writes a result carrying the data digest it read,
// and the Job completes.
func computeRun(t *testing.T, ns string, b *testutil.RunBuilder, digest string) *v1alpha1.ForecastRun {
	t.Helper()
	run := b.Obj()
	create(t, run)
	waitJob(t, ns, run.Name+"-runner")
	token := waitPhase(t, ns, run.Name, v1alpha1.PhaseRunning).Status.FencingToken
	writeResult(t, ns, run.Name, map[string]any{
		"itemsForecast": 40, "winners": map[string]int32{"Theta": 40}, "score": "0.8100",
		"outputPath": "pvc/results/runs/" + run.Name, "fencingToken": token, "dataDigest": digest,
	})
	finishJob(t, ns, run.Name+"-runner", true)
	return waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded)
}

func reusing(b *testutil.RunBuilder, maxAge time.Duration) *testutil.RunBuilder {
	return b.Reuse(metav1.Duration{Duration: maxAge})
}

// TestUnchangedDataIsReused: a run with spec.reuse whose identical
// predecessor Succeeded on the same ConfigMap content within maxAge ends
// Succeeded at once with that result, no Job and no lock; after the
// ConfigMap changes (same name, new content), the next run computes.
func TestUnchangedDataIsReused(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "sales", Namespace: ns}, Data: map[string]string{"sales.csv": "item_id,date,quantity\n"}}
	create(t, cm)
	base := func(name string) *testutil.RunBuilder {
		return testutil.MakeForecastRun(name, ns).ConfigMap("sales", "sales.csv")
	}

	first := computeRun(t, ns, base("nightly"), "sha256:0a")
	if first.Status.DataVersion != configMapVersion(cm) || first.Status.RunnerImage == "" {
		t.Fatalf("the computed run recorded data version %q and image %q; want %q and the runner image",
			first.Status.DataVersion, first.Status.RunnerImage, configMapVersion(cm))
	}

	start := time.Now()
	create(t, reusing(base("again"), time.Hour).Obj())
	again := waitPhase(t, ns, "again", v1alpha1.PhaseSucceeded)
	t.Logf("reused in %s", time.Since(start))
	if f := again.Status.ReusedFrom; f == nil || f.Name != "nightly" || f.UID != first.UID {
		t.Errorf("reusedFrom = %+v, want nightly", f)
	}
	if again.Status.Result == nil || again.Status.Result.Score != "0.8100" || again.Status.Result.OutputPath != "pvc/results/runs/nightly" {
		t.Errorf("reused result %+v, want nightly's", again.Status.Result)
	}
	if !strings.HasPrefix(again.Status.Message, "reused the result of nightly, computed ") {
		t.Errorf("message %q", again.Status.Message)
	}
	if c := condition(again, v1alpha1.ConditionSucceeded); c == nil || c.Reason != v1alpha1.ReasonReused {
		t.Errorf("Succeeded condition %+v, want reason %s", c, v1alpha1.ReasonReused)
	}
	for _, j := range listJobs(t, ns) {
		if j.Name != "nightly-runner" {
			t.Errorf("a reused run created Job %s", j.Name)
		}
	}

	// A reuse of a reuse names the computation, not the copy.
	create(t, reusing(base("third"), time.Hour).Obj())
	if f := waitPhase(t, ns, "third", v1alpha1.PhaseSucceeded).Status.ReusedFrom; f == nil || f.Name != "nightly" {
		t.Errorf("the third run reused %+v, want nightly's own computation", f)
	}

	cm.Data["sales.csv"] = "item_id,date,quantity\nA,2026-01-01,3\n"
	if err := k8sClient.Update(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	create(t, reusing(base("changed"), time.Hour).Obj())
	waitJob(t, ns, "changed-runner")
	if got := getRun(t, ns, "changed"); got.Status.ReusedFrom != nil {
		t.Errorf("a run on changed data reused %+v", got.Status.ReusedFrom)
	}
}

// TestReuseNeedsTheSameSettingsAndAFreshResult: a different setting, an
// old result, or a run without spec.reuse compute again.
func TestReuseNeedsTheSameSettingsAndAFreshResult(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	synthetic := func(name string) *testutil.RunBuilder {
		return testutil.MakeForecastRun(name, ns).Synthetic(50, 100, 7)
	}
	computeRun(t, ns, synthetic("base"), "sha256:0b")
	time.Sleep(1100 * time.Millisecond) // the result is now over a second old

	for i, b := range []*testutil.RunBuilder{
		reusing(synthetic("other-horizon"), time.Hour).Horizon(3),
		reusing(synthetic("too-old"), time.Second),
		synthetic("no-reuse"),
	} {
		run := b.Obj()
		create(t, run)
		waitJob(t, ns, run.Name+"-runner")
		if got := getRun(t, ns, run.Name); got.Status.ReusedFrom != nil {
			t.Errorf("case %d: %s reused %+v", i, run.Name, got.Status.ReusedFrom)
		}
		finishJob(t, ns, run.Name+"-runner", true)
		waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded)
	}
	create(t, reusing(synthetic("fresh"), time.Hour).Obj())
	if f := waitPhase(t, ns, "fresh", v1alpha1.PhaseSucceeded).Status.ReusedFrom; f == nil {
		t.Errorf("an identical synthetic run within maxAge did not reuse")
	}
}

// TestDataReadByTheRunnerIsKnownByItsDigest: for a URL the controller
// cannot know the content before the runner reads it; the run records the
// digest its runner reported as its data version.
func TestDataReadByTheRunnerIsKnownByItsDigest(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	run := computeRun(t, ns, testutil.MakeForecastRun("download", ns).URL("https://data.example.com/sales.csv"), "sha256:0c")
	if run.Status.DataVersion != "sha256:0c" {
		t.Errorf("data version %q, want the runner's digest", run.Status.DataVersion)
	}
}

// TestTheRunnerDecidesForDataOnlyItCanRead: a URL's content is known only
// once read, so the runner of a run with spec.reuse is offered the earlier
// results by the digests of their data; when it reports that it took one
// (result.reusedFrom), the run ends with that run's result.
func TestTheRunnerDecidesForDataOnlyItCanRead(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	url := func(name string) *testutil.RunBuilder {
		return testutil.MakeForecastRun(name, ns).URL("https://data.example.com/sales.csv")
	}
	first := computeRun(t, ns, url("monday"), "sha256:0d")

	create(t, reusing(url("tuesday"), time.Hour).Obj())
	job := waitJob(t, ns, "tuesday-runner")
	if got := envOf(job, runnerenv.ReuseCandidates); got != "sha256:0d=monday" {
		t.Errorf("the runner was offered %q, want monday's result by its digest", got)
	}
	token := waitPhase(t, ns, "tuesday", v1alpha1.PhaseRunning).Status.FencingToken
	writeResult(t, ns, "tuesday", map[string]any{"reusedFrom": "monday", "dataDigest": "sha256:0d", "fencingToken": token})
	finishJob(t, ns, "tuesday-runner", true)
	done := waitPhase(t, ns, "tuesday", v1alpha1.PhaseSucceeded)
	if f := done.Status.ReusedFrom; f == nil || f.Name != "monday" || f.UID != first.UID {
		t.Errorf("reusedFrom %+v, want monday", f)
	}
	if r := done.Status.Result; r == nil || r.Score != first.Status.Result.Score || r.ItemsForecast != 40 || r.ReusedFrom != "" {
		t.Errorf("result %+v, want monday's", r)
	}
	if !strings.HasPrefix(done.Status.Message, "reused the result of monday") {
		t.Errorf("message %q", done.Status.Message)
	}

	create(t, url("no-reuse").Obj())
	if got := envOf(waitJob(t, ns, "no-reuse-runner"), runnerenv.ReuseCandidates); got != "" {
		t.Errorf("a run without spec.reuse was offered %q", got)
	}
}

func envOf(job *batchv1.Job, name string) string {
	for _, e := range job.Spec.Template.Spec.Containers[0].Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func condition(run *v1alpha1.ForecastRun, typ string) *metav1.Condition {
	for i := range run.Status.Conditions {
		if run.Status.Conditions[i].Type == typ {
			return &run.Status.Conditions[i]
		}
	}
	return nil
}

// TestAChangedConfigMapIsNotSharedWithTheOldContent: a run created after
// its ConfigMap changed does not share the execution of an identical run
// computing from the old content; the next identical run shares the new
// one's, and records its primary's UID.
func TestAChangedConfigMapIsNotSharedWithTheOldContent(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "sales", Namespace: ns}, Data: map[string]string{"sales.csv": "v1"}}
	create(t, cm)
	run := func(name string) *v1alpha1.ForecastRun {
		return testutil.MakeForecastRun(name, ns).ConfigMap("sales", "sales.csv").Obj()
	}
	create(t, run("old"))
	waitJob(t, ns, "old-runner")
	cm.Data["sales.csv"] = "v2"
	if err := k8sClient.Update(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	create(t, run("new"))
	queued := waitPhase(t, ns, "new", v1alpha1.PhaseQueued)
	if queued.Status.DuplicateOf != "" {
		t.Errorf("a run on the changed ConfigMap shares %s's execution on the old content", queued.Status.DuplicateOf)
	}
	create(t, run("twin"))
	eventually(t, 20*time.Second, "twin shares new's execution", func() error {
		twin, primary := getRun(t, ns, "twin"), getRun(t, ns, "new")
		if twin.Status.DuplicateOf != "new" || twin.Status.DuplicateOfUID != primary.UID {
			return fmt.Errorf("twin: duplicateOf %q (%q), phase %s", twin.Status.DuplicateOf, twin.Status.DuplicateOfUID, twin.Status.Phase)
		}
		return nil
	})
}
