//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// run runs the pinned kubectl against the cluster with input on stdin and
// returns its stdout; the error carries the command and its stderr.
func (c *cluster) runInput(input string, args ...string) (string, error) {
	cmd := exec.Command(c.kubectlBin, append([]string{"--kubeconfig", c.kubeconfig}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = strings.NewReader(input)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func (c *cluster) run(args ...string) (string, error) { return c.runInput("", args...) }

// kubectl runs kubectl and fails the test when it fails.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := env.run(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// getJSON reads one object or list through kubectl into v.
func getJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := kubectl(t, append([]string{"get", "-o", "json"}, args...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("decoding kubectl get %s: %v", strings.Join(args, " "), err)
	}
}

// namespace creates a namespace of the test's own, so that each scenario
// has its own lock (the Lease lives in the run's namespace), Jobs and
// results claim. Pod Security's restricted profile is enforced in it, as a
// careful cluster administrator would set it. On failure it prints what
// the namespace holds.
func namespace(t *testing.T) string {
	t.Helper()
	ns := "e2e-" + strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(strings.TrimPrefix(t.Name(), "Test")), "-"), "-")
	if len(ns) > 50 {
		ns = ns[:50]
	}
	ns = fresh(ns)
	manifest := fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: %[1]s
  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: restricted}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: %[2]s, namespace: %[1]s}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`, ns, resultsClaim)
	if _, err := env.runInput(manifest, "apply", "-f", "-"); err != nil {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			dumpNamespace(t, ns)
		}
	})
	return ns
}

// namespacesUsed counts the namespaces handed out by name, so that a
// scenario repeated with -count=N (how a flaky one is hunted) gets a fresh
// namespace, lock and claim each time instead of the last one's leftovers.
var (
	namespacesMu   sync.Mutex
	namespacesUsed = map[string]int{}
)

// fresh returns base the first time and base-2, base-3... after that.
func fresh(base string) string {
	namespacesMu.Lock()
	defer namespacesMu.Unlock()
	namespacesUsed[base]++
	if n := namespacesUsed[base]; n > 1 {
		return fmt.Sprintf("%s-%d", base, n)
	}
	return base
}

func dumpNamespace(t *testing.T, ns string) {
	for _, args := range [][]string{
		{"get", "fr,jobs,pods,leases", "-o", "wide", "-n", ns},
		{"get", "fr", "-n", ns, "-o", "jsonpath={range .items[*]}{.metadata.name}: {.status.phase} {.status.message}{\"\\n\"}{end}"},
		{"get", "events", "-n", ns, "--sort-by=.lastTimestamp"},
	} {
		out, err := env.run(args...)
		t.Logf("kubectl %s:\n%s%v", strings.Join(args, " "), out, errOrEmpty(err))
	}
}

func errOrEmpty(err error) any {
	if err == nil {
		return ""
	}
	return err
}

// runOption changes a run's spec.
type runOption func(*v1alpha1.ForecastRun)

// resultsClaim is the claim every run writes to, created with each test's
// namespace; the local cluster's default StorageClass provisions it as a
// folder on the node (pvcDir) when the first Pod uses it.
const resultsClaim = "results"

// newRun is a small QuickTest run on synthetic data with its results on
// the results claim; options make it bigger or different.
func newRun(name string, opts ...runOption) *v1alpha1.ForecastRun {
	run := &v1alpha1.ForecastRun{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "ForecastRun"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.ForecastRunSpec{
			Mode:    v1alpha1.ModeQuickTest,
			Horizon: ptr.To[int32](14),
			Dataset: v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: 400, Periods: 200, Seed: 42}},
			Output:  &v1alpha1.Output{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: resultsClaim, Path: "runs"}},
		},
	}
	for _, o := range opts {
		o(run)
	}
	return run
}

// bigItems is the size of the runs a scenario acts on while they execute
// (preempt, kill): two years of daily data for this many items take about
// 10s on 2 shared cores, a margin of seconds even on a faster machine.
const bigItems = 6000

// bigData is a Full run of bigItems synthetic items with the quick models
// only. These scenarios act on a run while it executes and need it to last
// seconds, not minutes; what they test is the operator's path, and the
// automatic models (AutoETS, AutoARIMA) would multiply a run's length for
// nothing here.
func bigData(r *v1alpha1.ForecastRun) {
	r.Spec.Mode = v1alpha1.ModeFull
	r.Spec.Dataset.Synthetic = &v1alpha1.SyntheticSource{Items: bigItems, Periods: 730, Seed: 42}
	r.Spec.Models = quickModels
}

// quickModels are the models of bigData.
var quickModels = []v1alpha1.ModelName{"Naive", "HistoricAverage", "WindowAverage", "SeasonalNaive", "RandomWalkWithDrift",
	"SES", "CrostonClassic", "CrostonSBA", "TSB", "ADIDA", "IMAPA", "Holt", "DampedHolt", "Theta", "HoltWintersAdditive", "HoltWintersMultiplicative"}

func withSeed(seed int64) runOption {
	return func(r *v1alpha1.ForecastRun) { r.Spec.Dataset.Synthetic.Seed = seed }
}

func withItems(items, periods int32) runOption {
	return func(r *v1alpha1.ForecastRun) {
		r.Spec.Mode = v1alpha1.ModeFull
		r.Spec.Dataset.Synthetic.Items, r.Spec.Dataset.Synthetic.Periods = items, periods
	}
}

func withPriority(p v1alpha1.Priority) runOption {
	return func(r *v1alpha1.ForecastRun) { r.Spec.Priority = p }
}

// apply creates runs with one `kubectl apply` of a multi-document file and
// returns when kubectl returned.
func apply(t *testing.T, ns string, runs ...*v1alpha1.ForecastRun) {
	t.Helper()
	docs := make([]string, 0, len(runs))
	for _, r := range runs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("encoding run %s: %v", r.Name, err)
		}
		docs = append(docs, string(b)) // JSON is YAML
	}
	if _, err := env.runInput(strings.Join(docs, "\n---\n"), "apply", "-n", ns, "-f", "-"); err != nil {
		t.Fatalf("applying %d run(s): %v", len(runs), err)
	}
}

func getRun(t *testing.T, ns, name string) *v1alpha1.ForecastRun {
	t.Helper()
	var run v1alpha1.ForecastRun
	getJSON(t, &run, "forecastrun", name, "-n", ns)
	return &run
}

// waitRun polls a run until ok holds, failing the test with the run's last
// state when the deadline passes.
func waitRun(t *testing.T, ns, name, what string, timeout time.Duration, ok func(*v1alpha1.ForecastRun) bool) *v1alpha1.ForecastRun {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		run := getRun(t, ns, name)
		if ok(run) {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s: not %s after %s; phase %q, message %q, progress %s", name, what, timeout, run.Status.Phase, run.Status.Message, progressText(run))
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// waitPhase waits for a phase; reaching another final phase fails at once.
func waitPhase(t *testing.T, ns, name string, phase v1alpha1.Phase, timeout time.Duration) *v1alpha1.ForecastRun {
	t.Helper()
	return waitRun(t, ns, name, string(phase), timeout, func(r *v1alpha1.ForecastRun) bool {
		if r.Status.Phase != phase && r.Status.Phase.Finished() {
			t.Fatalf("run %s: ended %s (%q) while waiting for %s", name, r.Status.Phase, r.Status.Message, phase)
		}
		return r.Status.Phase == phase
	})
}

// waitPercent waits until a run is Running with at least pct percent done;
// finishing first fails: the scenario needed the run mid-way.
func waitPercent(t *testing.T, ns, name string, pct int32, timeout time.Duration) *v1alpha1.ForecastRun {
	t.Helper()
	return waitRun(t, ns, name, fmt.Sprintf("Running at >= %d%%", pct), timeout, func(r *v1alpha1.ForecastRun) bool {
		if r.Status.Phase.Finished() {
			t.Fatalf("run %s: ended %s before reaching %d%% while running; the scenario needs a longer run", name, r.Status.Phase, pct)
		}
		return r.Status.Phase == v1alpha1.PhaseRunning && r.Status.Progress != nil && r.Status.Progress.Percent >= pct
	})
}

func progressText(r *v1alpha1.ForecastRun) string {
	if r.Status.Progress == nil {
		return "none"
	}
	p := r.Status.Progress
	return fmt.Sprintf("%d%% (%d/%d, %q)", p.Percent, p.ItemsDone, p.ItemsTotal, p.Message)
}

// jobs lists the Jobs of a namespace.
func jobs(t *testing.T, ns string) []batchv1.Job {
	t.Helper()
	var list batchv1.JobList
	getJSON(t, &list, "jobs", "-n", ns)
	return list.Items
}

// pods lists the Pods of a Job.
func pods(t *testing.T, ns, job string) []corev1.Pod {
	t.Helper()
	var list corev1.PodList
	getJSON(t, &list, "pods", "-n", ns, "-l", "job-name="+job)
	return list.Items
}

// condition returns a run's condition of type typ, nil when absent.
func condition(r *v1alpha1.ForecastRun, typ string) *metav1.Condition {
	for i := range r.Status.Conditions {
		if r.Status.Conditions[i].Type == typ {
			return &r.Status.Conditions[i]
		}
	}
	return nil
}
