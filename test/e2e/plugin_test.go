//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// The kubectl-forecast plugin, built once from the working tree into the
// suite folder the first time a scenario needs it.
var (
	pluginOnce sync.Once
	pluginDir  string
	pluginErr  error
)

func buildPlugin(t *testing.T) string {
	t.Helper()
	pluginOnce.Do(func() {
		pluginDir = filepath.Join(env.dir, "plugin")
		// The flags of hack/image.sh's builds, so that the packages the
		// plugin shares with the manager come from the build cache.
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(pluginDir, "kubectl-forecast"), "./cmd/kubectl-forecast")
		cmd.Dir = env.repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			pluginErr = fmt.Errorf("building the kubectl-forecast plugin: %w\n%s", err, out)
		}
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginDir
}

// forecast runs `kubectl forecast args...` as a user would: the pinned
// kubectl finds the plugin on PATH and hands it KUBECONFIG. Global kubectl
// flags cannot come before a plugin's name, so the kubeconfig goes through
// the environment.
func forecast(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(env.kubectlBin, append([]string{"forecast"}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+env.kubeconfig, "PATH="+buildPlugin(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("kubectl forecast %s:\n%s%s", strings.Join(args, " "), stdout.String(), stderr.String())
	if err != nil {
		return stdout.String(), fmt.Errorf("kubectl forecast %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func mustForecast(t *testing.T, args ...string) string {
	t.Helper()
	out, err := forecast(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var createdName = regexp.MustCompile(`forecastrun/(\S+) created in namespace`)

func createdRun(t *testing.T, out string) string {
	t.Helper()
	m := createdName.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no created run in the plugin's output:\n%s", out)
	}
	return m[1]
}

// The plugin's whole path, as a user drives it: start a QuickTest run and
// wait for it, read its results, rerun it while someone else holds the
// lock, see the rerun queued behind that holder, and cancel it.
func TestPluginRunResultsRerunCancel(t *testing.T) {
	ns := namespace(t)
	out := mustForecast(t, "run", "-n", ns, "--mode", "QuickTest", "--dataset", "synthetic:400x200",
		"--horizon", "14", "--output", "pvc:"+resultsClaim+"/runs", "--wait")
	name := createdRun(t, out)
	if !strings.HasPrefix(name, "forecast-") || !strings.Contains(out, "Succeeded") {
		t.Errorf("run --wait printed:\n%s\nwant a generated forecast-* name followed to Succeeded", out)
	}
	first := waitPhase(t, ns, name, v1alpha1.PhaseSucceeded, smallRun)

	checkPluginResults(t, ns, name)
	holdLockElsewhere(t, ns)
	rerun := checkRerunQueued(t, ns, first)

	if out := mustForecast(t, "cancel", rerun, "-n", ns); !strings.Contains(out, "cancel requested (was Queued)") {
		t.Errorf("cancel printed %q", out)
	}
	waitPhase(t, ns, rerun, v1alpha1.PhaseCancelled, startTimeout)
}

// checkPluginResults reads a finished QuickTest run's summary through the
// plugin, and copies its files out of the output claim with --copy: the
// copies must equal what the runner wrote on the node, and a second copy
// must refuse to overwrite them.
func checkPluginResults(t *testing.T, ns, name string) {
	t.Helper()
	out := mustForecast(t, "results", name, "-n", ns)
	for _, want := range []string{"Items forecast:", " 100\n", "MODEL", "ITEMS WON", "pvc/" + resultsClaim + "/runs/" + name} {
		if !strings.Contains(out, want) {
			t.Errorf("results printed:\n%s\nwant %q in it", out, want)
		}
	}
	checkResults(t, outputDir(t, ns, name), 100, 14)

	dir := filepath.Join(t.TempDir(), "copy")
	out = mustForecast(t, "results", name, "-n", ns, "--copy", dir)
	written := resultFiles(t, outputDir(t, ns, name))
	if len(written) < 4 {
		t.Fatalf("the runner wrote only %v", written)
	}
	if copied := resultFiles(t, dir); !slices.Equal(copied, written) {
		t.Errorf("--copy wrote %v, want the runner's files %v", copied, written)
	}
	for _, file := range written {
		want, err := os.ReadFile(filepath.Join(outputDir(t, ns, name), file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("copied %s: %d bytes (%v), differs from the runner's %d bytes", file, len(got), err, len(want))
		}
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(file) + fmt.Sprintf(`\s+%d bytes$`, len(want))).MatchString(out) {
			t.Errorf("results --copy printed:\n%s\nwant %s and its size listed", out, file)
		}
	}
	checkResults(t, dir, 100, 14)
	waitExportPodsGone(t, ns)

	_, err := forecast(t, "results", name, "-n", ns, "--copy", dir)
	if err == nil || !strings.Contains(err.Error(), "already exists; pass --overwrite") {
		t.Errorf("a second results --copy into the same folder: %v; want a refusal to overwrite", err)
	}
	mustForecast(t, "results", name, "-n", ns, "--copy", dir, "--overwrite")
	checkCopyOfAMissingFolder(t, ns, name)
}

// checkCopyOfAMissingFolder: when the run's folder is not on the claim,
// the exporter's own error reaches the user and nothing is written.
func checkCopyOfAMissingFolder(t *testing.T, ns, name string) {
	t.Helper()
	src := outputDir(t, ns, name)
	if err := os.Rename(src, src+".away"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Rename(src+".away", src); err != nil {
			t.Fatal(err)
		}
	}()
	dir := filepath.Join(t.TempDir(), "none")
	_, err := forecast(t, "results", name, "-n", ns, "--copy", dir)
	if err == nil || !strings.Contains(err.Error(), "the exporter failed") || !strings.Contains(err.Error(), "reading the run folder") ||
		!strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("results --copy of a missing folder: %v; want the exporter's error", err)
	}
	if files := resultFiles(t, dir); len(files) != 0 {
		t.Errorf("a failed copy wrote %v", files)
	}
	waitExportPodsGone(t, ns)
}

// resultFiles lists the top-level, non-hidden regular files of a folder:
// a run folder's results, without its .checkpoint folder.
func resultFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

// waitExportPodsGone waits for the Pods `results --copy` creates in ns to
// be gone: the plugin deletes them, and the kubelet confirms the deletion
// once the container has ended.
func waitExportPodsGone(t *testing.T, ns string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := kubectl(t, "get", "pods", "-n", ns, "-l", "app.kubernetes.io/component=export", "-o", "name")
		if strings.TrimSpace(out) == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("export Pods left behind 30s after the copy: %s", out)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// holdLockElsewhere makes the namespace's lock held, for ten minutes, by a
// holder that is not a ForecastRun, as a person doing maintenance would.
func holdLockElsewhere(t *testing.T, ns string) {
	t.Helper()
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	patch := fmt.Sprintf(`{"spec":{"holderIdentity":"e2e-maintenance","renewTime":%q,"leaseDurationSeconds":600}}`, now)
	kubectl(t, "patch", "lease", "forecast-pipeline", "-n", ns, "--type", "merge", "-p", patch)
}

// checkRerunQueued reruns first while the lock is held and returns the new
// run's name once the plugin shows it queued behind the holder.
func checkRerunQueued(t *testing.T, ns string, first *v1alpha1.ForecastRun) string {
	t.Helper()
	out := mustForecast(t, "rerun", first.Name, "-n", ns)
	rerun := createdRun(t, out)
	if !strings.HasPrefix(rerun, first.Name+"-rerun-") {
		t.Errorf("rerun created %s, want a %s-rerun-* name", rerun, first.Name)
	}
	if d := cmp.Diff(first.Spec, getRun(t, ns, rerun).Spec); d != "" {
		t.Errorf("rerun spec differs from the first run's (-first +rerun):\n%s", d)
	}
	waitPhase(t, ns, rerun, v1alpha1.PhaseQueued, startTimeout)
	queue := mustForecast(t, "queue", "-n", ns)
	if !strings.Contains(queue, `held by "e2e-maintenance", which is not a ForecastRun`) ||
		!regexp.MustCompile(`(?m)^1\s+`+regexp.QuoteMeta(rerun)+`\s+Normal\s`).MatchString(queue) {
		t.Errorf("queue printed:\n%s\nwant the foreign holder and %s first in the queue", queue, rerun)
	}
	return rerun
}
