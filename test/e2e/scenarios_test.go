//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Deadlines. Generous for a loaded 2-core machine: a scenario that misses
// one is broken, not slow.
const (
	startTimeout = 60 * time.Second
	smallRun     = 2 * time.Minute
	bigRun       = 5 * time.Minute
)

// A QuickTest run goes Queued/Pending → Running → Succeeded as a user
// watching `kubectl get forecastruns -w` sees it, one line per step of
// progress, its percent never goes backwards, and its four result files
// parse.
func TestQuickTestSucceedsWithProgress(t *testing.T) {
	ns := namespace(t)
	run := newRun("quicktest", func(r *v1alpha1.ForecastRun) {
		r.Spec.Horizon = ptr.To[int32](28)
		r.Spec.Dataset.Synthetic = &v1alpha1.SyntheticSource{Items: 3707, Periods: 730, Seed: 42}
	})
	w := watchRun(t, ns, run.Name)
	applied := time.Now()
	apply(t, ns, run)
	returned := time.Now()
	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, smallRun)
	obs := w.stop()

	if at, ok := firstPhase(obs, v1alpha1.PhaseRunning, v1alpha1.PhaseSucceeded); ok {
		t.Logf("TIMING kubectl apply -> Running seen by kubectl get -w: %s (kubectl apply itself took %s)",
			at.Sub(applied).Round(time.Millisecond), returned.Sub(applied).Round(time.Millisecond))
	}
	if _, ok := firstPhase(obs, v1alpha1.PhaseRunning); !ok {
		t.Errorf("the watch never showed the run Running; phases seen: %v", phases(obs))
	}
	assertMonotonic(t, obs)
	assertOneLinePerStep(t, obs)
	p := done.Status.Progress
	if p == nil || p.Percent != 100 || p.ItemsDone != 100 || p.ItemsTotal != 100 {
		t.Errorf("final progress %s, want 100%% of 100 items", progressText(done))
	}
	if r := done.Status.Result; r == nil || r.ItemsForecast != 100 || r.OutputPath == "" {
		t.Errorf("status.result %+v, want 100 items forecast and an output path", done.Status.Result)
	}
	checkResults(t, outputDir(t, ns, run.Name), 100, 28)
}

// logWallTime records a run's execution time through the whole stack.
func logWallTime(t *testing.T, r *v1alpha1.ForecastRun) {
	if r.Status.StartTime != nil && r.Status.CompletionTime != nil {
		t.Logf("TIMING run %s: startTime -> completionTime %s", r.Name, r.Status.CompletionTime.Sub(r.Status.StartTime.Time))
	}
}

func phases(obs []observation) []v1alpha1.Phase {
	var out []v1alpha1.Phase
	for _, o := range obs {
		if len(out) == 0 || out[len(out)-1] != o.phase {
			out = append(out, o.phase)
		}
	}
	return out
}

// assertMonotonic fails when percent or items done ever decrease.
func assertMonotonic(t *testing.T, obs []observation) {
	t.Helper()
	for i := 1; i < len(obs); i++ {
		a, b := obs[i-1], obs[i]
		if b.percent < a.percent || b.done < a.done {
			t.Errorf("progress went backwards: %d%% (%d items, %s) then %d%% (%d items, %s)", a.percent, a.done, a.phase, b.percent, b.done, b.phase)
		}
	}
	t.Logf("%d states watched, phases %v", len(obs), phases(obs))
}

// Twenty identical runs applied at once (the dashboard's impatient clicks)
// share one execution: exactly one Job, and every run Succeeded.
func TestIdenticalRunsShareOneJob(t *testing.T) {
	ns := namespace(t)
	var runs []*v1alpha1.ForecastRun
	for i := range 20 {
		runs = append(runs, newRun(fmt.Sprintf("same-%02d", i)))
	}
	apply(t, ns, runs...)
	duplicates := 0
	for _, r := range runs {
		done := waitPhase(t, ns, r.Name, v1alpha1.PhaseSucceeded, smallRun)
		if done.Status.DuplicateOf != "" {
			duplicates++
		}
	}
	if js := jobs(t, ns); len(js) != 1 {
		t.Errorf("%d Jobs ran for 20 identical runs, want 1: %v", len(js), jobNames(js))
	}
	t.Logf("%d of 20 runs name the run whose execution they shared (status.duplicateOf)", duplicates)
}

func jobNames(js []batchv1.Job) []string {
	var names []string
	for _, j := range js {
		names = append(names, j.Name)
	}
	return names
}

// A different run applied while one runs waits Queued at position 1 behind
// the lock holder and starts only after it completed.
func TestSecondRunQueuesBehindFirst(t *testing.T) {
	ns := namespace(t)
	first := newRun("first", withItems(2000, 365))
	second := newRun("second", withItems(2000, 365), withSeed(7))
	w := watchRun(t, ns, first.Name)
	applied := time.Now()
	apply(t, ns, first)
	waitPhase(t, ns, first.Name, v1alpha1.PhaseRunning, startTimeout)
	if at, ok := firstPhase(w.stop(), v1alpha1.PhaseRunning); ok {
		t.Logf("TIMING kubectl apply -> Running seen by kubectl get -w (not the first run of the suite): %s", at.Sub(applied).Round(time.Millisecond))
	}
	apply(t, ns, second)
	queued := waitRun(t, ns, second.Name, "Queued at position 1", startTimeout, func(r *v1alpha1.ForecastRun) bool {
		if r.Status.Phase == v1alpha1.PhaseRunning || r.Status.Phase.Finished() {
			t.Fatalf("run second went %s while first held the lock", r.Status.Phase)
		}
		return r.Status.Phase == v1alpha1.PhaseQueued && ptr.Deref(r.Status.QueuePosition, 0) == 1
	})
	if h := queued.Status.LockHolder; h == nil || h.Name != first.Name {
		t.Errorf("queued run's lockHolder %+v, want %s", h, first.Name)
	}
	a := waitPhase(t, ns, first.Name, v1alpha1.PhaseSucceeded, bigRun)
	b := waitPhase(t, ns, second.Name, v1alpha1.PhaseSucceeded, bigRun)
	if a.Status.CompletionTime == nil || b.Status.StartTime == nil || b.Status.StartTime.Before(a.Status.CompletionTime) {
		t.Errorf("second started at %v, before first completed at %v", b.Status.StartTime, a.Status.CompletionTime)
	}
	if js := jobs(t, ns); len(js) != 2 {
		t.Errorf("%d Jobs, want one per run: %v", len(js), jobNames(js))
	}
}

// An Urgent run preempts a running Normal one; the Normal run is resumed
// once the Urgent one finished and completes without forecasting again the
// items it had checkpointed before it was stopped.
func TestUrgentPreemptsNormal(t *testing.T) {
	ns := namespace(t)
	normal := newRun("normal", bigData)
	apply(t, ns, normal)
	waitPercent(t, ns, normal.Name, 10, bigRun)
	before := len(checkpointRecords(t, outputDir(t, ns, normal.Name)))
	if before == 0 {
		t.Fatalf("run normal reports progress but its checkpoint in %s is empty", outputDir(t, ns, normal.Name))
	}

	urgent := newRun("urgent", withPriority(v1alpha1.PriorityUrgent))
	apply(t, ns, urgent)
	waitRun(t, ns, normal.Name, "preempted", startTimeout, func(r *v1alpha1.ForecastRun) bool {
		return r.Status.Preemptions >= 1 && r.Status.Phase != v1alpha1.PhaseRunning
	})
	u := waitPhase(t, ns, urgent.Name, v1alpha1.PhaseSucceeded, smallRun)
	n := waitPhase(t, ns, normal.Name, v1alpha1.PhaseSucceeded, bigRun)

	if n.Status.Preemptions != 1 {
		t.Errorf("normal was preempted %d times, want 1", n.Status.Preemptions)
	}
	if u.Status.CompletionTime == nil || n.Status.CompletionTime == nil || n.Status.CompletionTime.Before(u.Status.CompletionTime) {
		t.Errorf("normal completed at %v, before urgent finished at %v", n.Status.CompletionTime, u.Status.CompletionTime)
	}
	assertEachOnce(t, checkpointRecords(t, outputDir(t, ns, normal.Name)), bigItems)
	assertResumed(t, ns, n.Status.JobName, before)
	checkResults(t, outputDir(t, ns, normal.Name), bigItems, 14)
}

// The runner's container process killed mid-run on the node (as an OOM
// kill or node hiccup would) fails its Pod; the Job controller starts another, which resumes from the
// checkpoint, and the run completes with the same single Job.
func TestRunnerKilledResumes(t *testing.T) {
	ns := namespace(t)
	run := newRun("killed", bigData)
	w := watchRun(t, ns, run.Name)
	apply(t, ns, run)
	r := waitPercent(t, ns, run.Name, 10, bigRun)
	before := len(checkpointRecords(t, outputDir(t, ns, run.Name)))
	pid := runnerPID(t, ns, r.Status.JobName)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("killing runner process %d: %v", pid, err)
	}
	t.Logf("killed runner pid %d at %s with %d items checkpointed", pid, progressText(r), before)

	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, bigRun)
	logWallTime(t, done)
	// The retried Pod starts from its checkpoint, so what users watch
	// never drops back.
	assertMonotonic(t, w.stop())
	js := jobs(t, ns)
	if len(js) != 1 {
		t.Fatalf("%d Jobs, want the one Job retried: %v", len(js), jobNames(js))
	}
	if js[0].Status.Failed < 1 || js[0].Status.Succeeded != 1 {
		t.Errorf("job %s: %d failed and %d succeeded Pods, want the killed one failed and a retry succeeded", js[0].Name, js[0].Status.Failed, js[0].Status.Succeeded)
	}
	if done.Status.Preemptions != 0 {
		t.Errorf("run shows %d preemptions; a Pod retry is not a preemption", done.Status.Preemptions)
	}
	assertEachOnce(t, checkpointRecords(t, outputDir(t, ns, run.Name)), bigItems)
	assertResumed(t, ns, js[0].Name, before)
}

// runnerPID is the host process of the Job's Running Pod's container.
func runnerPID(t *testing.T, ns, job string) int {
	t.Helper()
	for _, p := range pods(t, ns, job) {
		if p.Status.Phase != corev1.PodRunning || p.DeletionTimestamp != nil {
			continue
		}
		pid, err := env.containerPID(ns, p.Name)
		if err != nil {
			t.Fatal(err)
		}
		return pid
	}
	t.Fatalf("job %s has no Running Pod", job)
	return 0
}

// resumedRe matches the runner's report of the items it restored from its
// checkpoint, a log line such as
// `msg="resuming from checkpoint" run=ns/name shard=0 itemsDone=711 items=3707`.
var resumedRe = regexp.MustCompile(`resuming from checkpoint"?[^\n]*?\bitemsDone=(\d+)`)

// assertResumed checks that a runner Pod of job started from a checkpoint
// holding at least atLeast items, by what the runner says in its log, read
// with kubectl logs through the kubelet.
func assertResumed(t *testing.T, ns, job string, atLeast int) {
	t.Helper()
	ps := pods(t, ns, job)
	if len(ps) == 0 {
		t.Fatalf("job %s has no Pods left to read logs from", job)
	}
	best := -1
	for _, p := range ps {
		out, err := env.run("logs", p.Name, "-n", ns)
		if err != nil {
			t.Logf("logs of %s: %v", p.Name, err)
			continue
		}
		for _, m := range resumedRe.FindAllStringSubmatch(out, -1) {
			n, _ := strconv.Atoi(m[1])
			best = max(best, n)
		}
	}
	if best < atLeast {
		t.Errorf("no runner Pod of job %s says it resumed >= %d checkpointed items (best seen: %d); want a log line \"resuming from checkpoint ... itemsDone=N\"", job, atLeast, best)
	}
}

// The manager killed mid-run and started again picks the run up where it
// is: the Job it created keeps running, no second Job is made, and the run
// completes.
func TestManagerRestartKeepsOneJob(t *testing.T) {
	ns := namespace(t)
	run := newRun("restart", bigData)
	apply(t, ns, run)
	r := waitPercent(t, ns, run.Name, 10, bigRun)
	if err := env.killManager(); err != nil {
		t.Fatal(err)
	}
	// Whatever happens below, later scenarios need a manager.
	t.Cleanup(func() {
		if !env.managerRunning() {
			if err := env.startManager(); err != nil {
				t.Errorf("restarting the manager after the scenario: %v", err)
			}
		}
	})
	// With the manager gone the runner keeps reporting into its shard.
	waitRun(t, ns, run.Name, "progressing without the manager", bigRun, func(x *v1alpha1.ForecastRun) bool {
		return len(x.Status.Shards) > 0 && x.Status.Shards[0].ItemsDone > r.Status.Progress.ItemsDone
	})
	if err := env.startManager(); err != nil {
		t.Fatalf("restarting the manager: %v", err)
	}
	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, bigRun)
	if js := jobs(t, ns); len(js) != 1 {
		t.Errorf("%d Jobs after the manager restart, want 1: %v", len(js), jobNames(js))
	}
	if done.Status.Preemptions != 0 || done.Status.JobName != r.Status.JobName {
		t.Errorf("after the restart: job %s, %d preemptions; want the first Job %s kept", done.Status.JobName, done.Status.Preemptions, r.Status.JobName)
	}
	if p := done.Status.Progress; p == nil || p.Percent != 100 {
		t.Errorf("final progress %s, want 100%%", progressText(done))
	}
}

// malformedCSV has a non-number in the quantity column (column 3) of
// line 5 of the file, counting the header as line 1.
const malformedCSV = `item_id,date,quantity
A,2024-01-01,3
A,2024-01-02,4
A,2024-01-03,5
A,2024-01-04,12x
A,2024-01-05,6
`

// A bad dataset fails the run with a message that locates the problem, and
// the lock is released: the next run is admitted and completes.
func TestMalformedCSVFailsAndReleasesLock(t *testing.T) {
	ns := namespace(t)
	file := filepath.Join(t.TempDir(), "sales.csv")
	if err := os.WriteFile(file, []byte(malformedCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	kubectl(t, "create", "configmap", "sales", "-n", ns, "--from-file=sales.csv="+file)
	bad := newRun("bad", func(r *v1alpha1.ForecastRun) {
		r.Spec.Dataset = v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "sales.csv"}, Frequency: "daily"}
	})
	apply(t, ns, bad)
	failed := waitPhase(t, ns, bad.Name, v1alpha1.PhaseFailed, bigRun)
	located := regexp.MustCompile(`:5:3\b|line 5\D+column 3\b`)
	if !located.MatchString(failed.Status.Message) {
		t.Errorf("failure message %q does not name line 5, column 3", failed.Status.Message)
	}
	t.Logf("failure message: %s", failed.Status.Message)

	if holder := kubectl(t, "get", "lease", "forecast-pipeline", "-n", ns, "-o", "jsonpath={.spec.holderIdentity}"); holder != "" {
		t.Errorf("lock Lease still held by %q after the run failed", holder)
	}
	next := newRun("after-bad")
	apply(t, ns, next)
	waitPhase(t, ns, next.Name, v1alpha1.PhaseSucceeded, smallRun)
}

// A run with parallelism 3 becomes an Indexed Job of 3 Pods, one shard
// each, merging through a ReadWriteMany claim; the shards' progress adds up
// to the whole run. Its dataset is a CSV file on a claim, written there by
// a Job of our image: the first shard indexes it for the others (a lock
// and files on the shared claim, across containers), the others read only
// their items' rows, and the index is gone when the run is.
func TestParallelismThreeShards(t *testing.T) {
	ns := namespace(t)
	claims := ""
	for _, name := range []string{"shared", "datasets"} {
		claims += `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ` + name + `, namespace: ` + ns + `}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 1Gi}}
`
	}
	if _, err := env.runInput(claims, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	seedDataset(t, ns, "datasets", "sales.csv", 1200, 365)
	run := newRun("sharded", func(r *v1alpha1.ForecastRun) {
		r.Spec.Mode = v1alpha1.ModeFull
		r.Spec.Dataset = v1alpha1.Dataset{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "datasets", Path: "sales.csv"}}
		r.Spec.Parallelism = 3
		r.Spec.Output.PersistentVolumeClaim.ClaimName = "shared"
	})
	apply(t, ns, run)
	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, bigRun)

	js := jobs(t, ns)
	if len(js) != 1 {
		t.Fatalf("%d Jobs, want 1: %v", len(js), jobNames(js))
	}
	job := js[0]
	if ptr.Deref(job.Spec.CompletionMode, batchv1.NonIndexedCompletion) != batchv1.IndexedCompletion ||
		ptr.Deref(job.Spec.Completions, 0) != 3 || ptr.Deref(job.Spec.Parallelism, 0) != 3 {
		t.Errorf("job %s: mode %v, completions %v, parallelism %v; want Indexed, 3, 3", job.Name,
			ptr.Deref(job.Spec.CompletionMode, ""), ptr.Deref(job.Spec.Completions, 0), ptr.Deref(job.Spec.Parallelism, 0))
	}
	var indexes []string
	for _, p := range pods(t, ns, job.Name) {
		if p.Status.Phase == corev1.PodSucceeded {
			indexes = append(indexes, p.Annotations[batchv1.JobCompletionIndexAnnotation])
		}
	}
	slices.Sort(indexes)
	if !slices.Equal(indexes, []string{"0", "1", "2"}) {
		t.Errorf("succeeded Pods have completion indexes %v, want [0 1 2]", indexes)
	}
	assertShardsSum(t, done, 1200)
	results := filepath.Join(pvcDir(t, ns, "shared"), "runs", run.Name)
	checkResults(t, results, 1200, 14)
	indexed, byIndex := 0, 0
	for _, p := range pods(t, ns, job.Name) {
		log := kubectl(t, "logs", "-n", ns, p.Name)
		if strings.Contains(log, "indexed the dataset for the other shards") {
			indexed++
		}
		if strings.Contains(log, "read this shard's items alone, by the dataset's index") {
			byIndex++
		}
	}
	if indexed != 1 || byIndex != 2 {
		t.Errorf("%d shards indexed the dataset and %d read their items by the index, want 1 and the other 2", indexed, byIndex)
	}
	if left, _ := filepath.Glob(filepath.Join(results, ".checkpoint", "input-*")); len(left) > 0 {
		t.Errorf("the dataset's index outlived the run: %v", left)
	}
}

// seedDataset writes a synthetic dataset of items × periods days to path
// on claim, as a user would copy a CSV export there: by a Job of our image
// running `runner generate`, under the restricted Pod Security profile.
func seedDataset(t *testing.T, ns, claim, path string, items, periods int) {
	t.Helper()
	seed := `apiVersion: batch/v1
kind: Job
metadata: {name: seed-` + claim + `, namespace: ` + ns + `}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: generate
        image: ` + env.runnerImage + `
        command: [runner, generate, --items, "` + strconv.Itoa(items) + `", --periods, "` + strconv.Itoa(periods) + `", --seed, "42", --out, /data/` + path + `]
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: ` + claim + `}}]
`
	if _, err := env.runInput(seed, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.run("wait", "-n", ns, "--for=condition=complete", "--timeout=180s", "job/seed-"+claim); err != nil {
		t.Fatalf("writing the dataset to claim %s: %v", claim, err)
	}
	// Gone, so that the scenario finds only its run's Job.
	if _, err := env.run("delete", "-n", ns, "--cascade=foreground", "--wait", "job/seed-"+claim); err != nil {
		t.Fatal(err)
	}
}

// assertShardsSum: one entry per shard from this hold of the lock, each
// complete and non-empty, together the whole run at 100%.
func assertShardsSum(t *testing.T, run *v1alpha1.ForecastRun, items int32) {
	t.Helper()
	var done, total int32
	seen := map[int32]bool{}
	for _, s := range run.Status.Shards {
		// Entries of an earlier hold of the lock do not count.
		if run.Status.FencingToken != "" && s.FencingToken != run.Status.FencingToken {
			continue
		}
		seen[s.Index] = true
		if s.ItemsTotal == 0 || s.ItemsDone != s.ItemsTotal {
			t.Errorf("shard %d: %d/%d items, want all of a non-empty shard", s.Index, s.ItemsDone, s.ItemsTotal)
		}
		done, total = done+s.ItemsDone, total+s.ItemsTotal
	}
	if shards := int(max(run.Spec.Parallelism, 1)); len(seen) != shards || done != items || total != items {
		t.Errorf("shards %v report %d/%d items, want %d shards summing to %d/%d", seen, done, total, shards, items, items)
	}
	if p := run.Status.Progress; p == nil || p.Percent != 100 || p.ItemsDone != items || p.ItemsTotal != items {
		t.Errorf("run progress %s, want 100%% of %d", progressText(run), items)
	}
}
