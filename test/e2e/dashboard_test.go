//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// The dashboard in a real headless Chromium (Debian's chromium package),
// driven with chromedp, against the local cluster with the manager and the
// runner: what a user of the page sees and does.

// startDashboard runs `kubectl forecast dashboard -n ns` as a user would,
// with kubeconfig, until the test ends, and returns the URL it printed first.
func startDashboard(t *testing.T, kubeconfig, ns string) string {
	t.Helper()
	cmd := exec.Command(env.kubectlBin, "forecast", "dashboard", "-n", ns)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "PATH="+buildPlugin(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting kubectl forecast dashboard: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kubectl forecast dashboard's stderr:\n%s", stderr.String())
		}
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("kubectl forecast dashboard ended with %v after Ctrl-C; want exit status 0\n%s", err, stderr.String())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("kubectl forecast dashboard still ran 15s after Ctrl-C")
		}
	})
	first := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		if lines.Scan() {
			first <- lines.Text()
		}
		close(first)
		for lines.Scan() {
		}
	}()
	select {
	case url, ok := <-first:
		if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.Contains(url, "/?token=") {
			t.Fatalf("the dashboard's first line is %q; want its URL\n%s", url, stderr.String())
		}
		return url
	case <-time.After(60 * time.Second):
		t.Fatalf("the dashboard printed no URL within 60s\n%s", stderr.String())
	}
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// screenshotDir is where the tests leave their screenshots for a reviewer:
// $E2E_SCREENSHOTS, or bin/e2e-screenshots in the repository (git-ignored,
// and kept after the suite's folder is removed).
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(env.repo, "bin", "e2e-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot writes the whole page as NAME.png into screenshotDir.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	capture(t, ctx, name, chromedp.FullScreenshot(100))
}

// capture writes what take shoots as NAME.png into screenshotDir.
func capture(t *testing.T, ctx context.Context, name string, take chromedp.Action[[]byte]) {
	t.Helper()
	shot, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(shot, take)
	if err != nil {
		t.Fatalf("taking the screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

// page runs steps in the page, failing the test with what was being done.
func page(t *testing.T, ctx context.Context, within time.Duration, doing string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	if err := chromedp.Do(step, steps...); err != nil {
		t.Fatalf("%s: %v", doing, err)
	}
}

func until(cond string, within time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(within), chromedp.WithPollingInterval(100*time.Millisecond))
}

func evaluate[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// recordProgress makes the page note every value each run's bar shows, so
// the test can tell that the bar moved while the page stayed loaded.
const recordProgress = `window.barValues = {};
setInterval(() => {
  for (const row of document.querySelectorAll("tr[data-run]")) {
    const seen = (window.barValues[row.dataset.run] ||= []);
    const v = row.querySelector("progress").value;
    if (seen[seen.length - 1] !== v) seen.push(v);
  }
}, 100);`

// Twenty presses of New run with the same settings, in the page: every
// run appears in kubectl get fr, one executes (one Job), the page says
// what became of each press, and the executing run's bar moves without a
// reload until it ends. Then its summary and report.html, a rerun and a
// cancel, all from the page.
func TestDashboardRunsFromThePage(t *testing.T) {
	ns := namespace(t)
	url := startDashboard(t, env.kubeconfig, ns)
	ctx := testutil.Browser(t, 1280, 900)
	logFailedRequests(t, ctx)
	page(t, ctx, time.Minute, "opening the dashboard", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#mode-Standard")),
		chromedp.Click(chromedp.CSS(`label[for="mode-Standard"]`)),
		chromedp.SetValue(chromedp.CSS("#dataset"), "synthetic:1000x365"),
		chromedp.SetValue(chromedp.CSS("#output"), "pvc:"+resultsClaim+"/runs"),
		chromedp.Evaluate[chromedp.Void](recordProgress))

	// The presses go in while someone else holds the lock, so that no
	// runner Pod starts during them: on this machine the browser shares
	// the node's network, and the network interface each new Pod adds
	// makes Chromium abort the requests in flight (net::ERR_NETWORK_CHANGED,
	// "Failed to fetch"), which a user's browser elsewhere never sees.
	holdNewLock(t, ns)
	clicks := make([]chromedp.Action[chromedp.Void], 20)
	for i := range clicks {
		clicks[i] = chromedp.Click(chromedp.CSS("#start"))
	}
	page(t, ctx, time.Minute, "pressing New run twenty times", clicks...)
	page(t, ctx, 2*time.Minute, "waiting for the page to report twenty runs",
		until(`document.querySelectorAll("#requests li").length >= 20`, 2*time.Minute))
	said := evaluate[[]string](t, ctx, `[...document.querySelectorAll("#requests li")].map(li => li.textContent)`)
	names := createdNames(t, said)
	kubectl(t, "patch", "lease", "forecast-pipeline", "-n", ns, "--type", "merge", "-p", `{"spec":{"holderIdentity":null}}`)

	listed := kubectl(t, "get", "fr", "-n", ns, "-o", "name")
	for _, n := range names {
		if !strings.Contains(listed, "forecastrun.forecasting.dev/"+n) {
			t.Errorf("kubectl get fr does not list %s, created in the page:\n%s", n, listed)
		}
	}
	primary := waitRun(t, ns, names[0], "Running or a duplicate", startTimeout, func(r *v1alpha1.ForecastRun) bool {
		return r.Status.Phase == v1alpha1.PhaseRunning || r.Status.DuplicateOf != ""
	})
	if primary.Status.DuplicateOf != "" {
		primary = getRun(t, ns, primary.Status.DuplicateOf)
	}
	row := fmt.Sprintf(`tr[data-run="%s"]`, primary.Name)
	page(t, ctx, bigRun, "waiting for the running run's bar to show progress",
		until(fmt.Sprintf(`(v => v > 0 && v < 100)(document.querySelector('%s progress').value)`, row), bigRun))
	screenshot(t, ctx, "dashboard-running")
	capture(t, ctx, "dashboard-running-window", chromedp.CaptureScreenshot()) // what a 1280x900 window shows: the README's

	for _, n := range names {
		waitPhase(t, ns, n, v1alpha1.PhaseSucceeded, bigRun)
	}
	if js := jobs(t, ns); len(js) != 1 {
		t.Errorf("%d Jobs for twenty presses of New run with the same settings; want 1: %v", len(js), jobNames(js))
	}
	checkOutcomesSaid(t, said)
	page(t, ctx, time.Minute, "waiting for the page to show the run Succeeded",
		until(fmt.Sprintf(`document.querySelector('%s').dataset.phase === "Succeeded"`, row), time.Minute))
	checkBarMoved(t, evaluate[[]float64](t, ctx, fmt.Sprintf(`window.barValues[%q] || []`, primary.Name)))
	if n := evaluate[int](t, ctx, `document.querySelectorAll("#runs .message-text").length`); n != 20 {
		t.Errorf("the page shows %d runs; want the 20 created", n)
	}

	checkSummaryAndReport(t, ctx, ns, primary.Name, row)
	checkRerunAndCancel(t, ctx, ns, row)
	page(t, ctx, time.Minute, "narrowing to a phone", chromedp.EmulateViewport(390, 844),
		until(`document.documentElement.scrollWidth <= 390`, 10*time.Second))
	screenshot(t, ctx, "dashboard-phone")
}

// logFailedRequests logs, when the test fails, every request the browser
// reports as failed, with Chromium's network error: "Failed to fetch" in
// the page says no more.
func logFailedRequests(t *testing.T, ctx context.Context) {
	t.Helper()
	var failed syncBuffer
	note := func(e *network.EventLoadingFailed) {
		fmt.Fprintf(&failed, "%s %s canceled=%v blocked=%q\n", e.Type, e.ErrorText, e.Canceled, e.BlockedReason)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventLoadingFailed:
			note(e)
		case network.EventLoadingFailed:
			note(&e)
		}
	})
	if err != nil {
		t.Fatalf("listening to the browser's network events: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("requests that failed in the browser:\n%s", failed.String())
		}
	})
}

// createdNames reads the run names from the page's "Created forecastrun/NAME:"
// lines, failing on any refusal.
func createdNames(t *testing.T, said []string) []string {
	t.Helper()
	var names []string
	for _, s := range said {
		rest, ok := strings.CutPrefix(s, "Created forecastrun/")
		if !ok {
			t.Fatalf("the page said %q; want every press created", s)
		}
		name, _, _ := strings.Cut(rest, ":")
		names = append(names, name)
	}
	return names
}

// checkOutcomesSaid: every press is reported as one of what the API
// promises (started, queued, marked duplicate), in words, with the
// controller's reason.
func checkOutcomesSaid(t *testing.T, said []string) {
	t.Helper()
	counts := map[string]int{}
	for _, s := range said {
		for _, word := range []string{"Started:", "Queued:", "Marked duplicate:", "Created; the controller has not placed it yet."} {
			if strings.Contains(s, word) {
				counts[word]++
			}
		}
	}
	t.Logf("what the page said of the twenty presses: %v", counts)
	if counts["Marked duplicate:"] == 0 {
		t.Errorf("the page said of no press that it was a duplicate:\n%s", strings.Join(said, "\n"))
	}
	if total := counts["Started:"] + counts["Queued:"] + counts["Marked duplicate:"] + counts["Created; the controller has not placed it yet."]; total != len(said) {
		t.Errorf("%d of %d reports name an outcome:\n%s", total, len(said), strings.Join(said, "\n"))
	}
}

// checkBarMoved wants at least two values strictly between 0 and 100, then
// 100: the bar moved in a page that was never reloaded (its record would
// have been lost).
func checkBarMoved(t *testing.T, values []float64) {
	t.Helper()
	between := 0
	for _, v := range values {
		if v > 0 && v < 100 {
			between++
		}
	}
	if between < 2 || values[len(values)-1] != 100 {
		t.Errorf("the bar showed %v; want two or more values between 0 and 100, then 100, without a reload", values)
	}
}

// checkSummaryAndReport opens the finished run's summary, and its report
// in a second tab, fetched through the export Pod of results --copy.
func checkSummaryAndReport(t *testing.T, ctx context.Context, ns, name, row string) {
	t.Helper()
	page(t, ctx, time.Minute, "opening the summary", chromedp.Click(chromedp.CSS(row+" details summary")),
		chromedp.WaitVisible(chromedp.CSS(row+" .winners")), chromedp.ScrollIntoView(chromedp.CSS(row)))
	summary := evaluate[string](t, ctx, fmt.Sprintf(`document.querySelector('%s .summary').textContent`, row))
	if !strings.Contains(summary, "Items forecast1000") || !strings.Contains(summary, "Wins per model") {
		t.Errorf("the summary reads %q; want 1000 items forecast and the wins per model", summary)
	}
	screenshot(t, ctx, "dashboard-finished")
	href := evaluate[string](t, ctx, fmt.Sprintf(`document.querySelector('%s a.report').href`, row))
	// Fetched by the page, as the link's click would: the answer, its
	// policy and the report's title.
	step, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	got, err := chromedp.Run(step, chromedp.Evaluate[string](fmt.Sprintf(
		`fetch(%q).then(async r => r.status + "\n" + r.headers.get("Content-Security-Policy") + "\n" + await r.text())`, href), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetching report.html from the page: %v", err)
	}
	status, rest, _ := strings.Cut(got, "\n")
	policy, body, _ := strings.Cut(rest, "\n")
	if status != "200" || !strings.HasPrefix(policy, "sandbox") || !strings.Contains(body, "<title>Forecast report: "+name+"</title>") {
		t.Fatalf("report.html: status %s, policy %q, %d bytes starting %.200q; want 200, a sandbox, the run's report", status, policy, len(body), body)
	}
	// The same tab shows the report for the screenshot (headless Chromium
	// draws no frames for a tab in the background), then the dashboard
	// again. The report's sandbox runs no script: no wait on its content.
	page(t, ctx, time.Minute, "opening report.html", chromedp.Navigate(href))
	screenshot(t, ctx, "dashboard-report")
	back := strings.SplitN(href, "/api/", 2)[0] + "/#namespace=" + ns
	page(t, ctx, time.Minute, "going back to the dashboard", chromedp.Navigate(back), chromedp.WaitVisible(chromedp.CSS(row)))
	waitExportPodsGone(t, ns)
}

// checkRerunAndCancel reruns the finished run from the page while someone
// else holds the lock, sees the rerun queued behind that holder, and
// cancels it from the page.
func checkRerunAndCancel(t *testing.T, ctx context.Context, ns, row string) {
	t.Helper()
	holdLockElsewhere(t, ns)
	page(t, ctx, time.Minute, "pressing Rerun", chromedp.Click(chromedp.CSS(row+" button.rerun")),
		until(`document.querySelector("#requests li")?.textContent.startsWith("Rerun as forecastrun/")`, time.Minute))
	first := evaluate[string](t, ctx, `document.querySelector("#requests li").textContent`)
	rerun, _, _ := strings.Cut(strings.TrimPrefix(first, "Rerun as forecastrun/"), ":")
	page(t, ctx, time.Minute, "waiting for the rerun in the queue",
		until(fmt.Sprintf(`document.querySelector('[data-lock="forecast-pipeline"] .holder').textContent.includes("e2e-maintenance") &&
			document.querySelector('[data-queued="%s"]') !== null`, rerun), time.Minute))
	screenshot(t, ctx, "dashboard-queue")
	page(t, ctx, time.Minute, "pressing Cancel on the rerun",
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-run="%s"] button.cancel:not([disabled])`, rerun))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-run="%s"] button.cancel`, rerun))),
		until(`document.querySelector("#requests li")?.textContent.includes("cancel requested")`, time.Minute))
	waitPhase(t, ns, rerun, v1alpha1.PhaseCancelled, startTimeout)
}

// A user who may read runs but not create them sees the API server's
// refusal in the page, and nothing is created.
func TestDashboardShowsARestrictedUsersRefusal(t *testing.T) {
	ns := namespace(t)
	user := "dashboard-viewer-" + ns
	manifest := fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: dashboard-viewer, namespace: %[1]s}
rules:
- {apiGroups: [forecasting.dev], resources: [forecastruns, forecastschedules], verbs: [get, list, watch]}
- {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dashboard-viewer, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: dashboard-viewer}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %[2]s}]
`, ns, user)
	if out, err := env.runInput(manifest, "apply", "-f", "-"); err != nil {
		t.Fatalf("granting %s read access: %v\n%s", user, err, out)
	}
	url := startDashboard(t, testutil.KubeconfigAs(t, env.kubeconfig, user), ns)
	ctx := testutil.Browser(t, 1280, 900)
	refusal := fmt.Sprintf(`User \"%s\" cannot create resource \"forecastruns\"`, user)
	page(t, ctx, time.Minute, "pressing New run as a viewer", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#mode-QuickTest")),
		chromedp.Click(chromedp.CSS("#start")),
		until(fmt.Sprintf(`[...document.querySelectorAll("#requests li.error")].some(li => li.textContent.includes("%s"))`, refusal), time.Minute))
	screenshot(t, ctx, "dashboard-refused")
	if out := kubectl(t, "get", "fr", "-n", ns, "-o", "name"); strings.TrimSpace(out) != "" {
		t.Errorf("runs exist after the refusal: %s", out)
	}
}

// holdNewLock creates the namespace's lock as the operator would, held for
// ten minutes by a holder that is not a ForecastRun (someone doing
// maintenance); patching holderIdentity to null frees it.
func holdNewLock(t *testing.T, ns string) {
	t.Helper()
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	manifest := fmt.Sprintf(`apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: forecast-pipeline
  namespace: %s
  labels: {app.kubernetes.io/managed-by: forecastrun}
spec: {holderIdentity: e2e-maintenance, renewTime: %q, leaseDurationSeconds: 600}
`, ns, now)
	if _, err := env.runInput(manifest, "apply", "-f", "-"); err != nil {
		t.Fatalf("holding the lock of %s: %v", ns, err)
	}
}
