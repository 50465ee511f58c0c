package forecastcli

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// These tests drive the page in a headless Chromium against the suite's
// API server; the controller's part (the status) is written by the test.
// test/e2e/dashboard_test.go runs the page against the real manager.

// browse runs the steps, failing the test with what was being done.
func browse(t *testing.T, ctx context.Context, doing string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(step, steps...); err != nil {
		t.Fatalf("%s: %v", doing, err)
	}
}

// waitFor polls a JavaScript condition in the page.
func waitFor(cond string, within time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(within))
}

// The page shows a run, moves its bar when the status changes without a
// reload, starts a run from the keyboard, and fits a phone's width.
func TestDashboardPageInBrowser(t *testing.T) {
	ns := newNamespace(t)
	run := createRun(t, testutil.MakeForecastRun("moving", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning,
		Progress: &v1alpha1.Progress{Percent: 10, ItemsDone: 10, ItemsTotal: 100}})
	d := serveDashboard(t, controlPlane.Kubeconfig, "-n", ns)
	ctx := testutil.Browser(t, 1280, 900)

	browse(t, ctx, "opening the printed URL", chromedp.Navigate(d.url), chromedp.WaitVisible(chromedp.CSS(`tr[data-run="moving"]`)),
		waitFor(`document.querySelector('tr[data-run="moving"] progress').value === 10`, 5*time.Second),
		waitFor(`location.search === ""`, time.Second), // the token left the address bar
		chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))

	run.Status.Progress = &v1alpha1.Progress{Percent: 55, ItemsDone: 55, ItemsTotal: 100}
	if err := k8s.Status().Update(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "waiting for the bar to move to 55%",
		waitFor(`document.querySelector('tr[data-run="moving"] progress').value === 55 &&
			document.querySelector('tr[data-run="moving"] .progress-text').textContent.includes("55/100 items")`, 2*time.Second),
		waitFor(`window.sameDocument === true`, time.Second))

	browse(t, ctx, "starting a run from the keyboard",
		chromedp.Focus(chromedp.CSS("#dataset")),
		chromedp.KeyEvent("\r"),
		waitFor(`[...document.querySelectorAll("#requests li")].some(li => li.textContent.startsWith("Created forecastrun/forecast-"))`, 10*time.Second),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-run^="forecast-"]`)))
	var runs v1alpha1.ForecastRunList
	if err := k8s.List(context.Background(), &runs, client.InNamespace(ns)); err != nil || len(runs.Items) != 2 {
		t.Errorf("runs after the keyboard submit: %d (%v); want 2", len(runs.Items), err)
	}

	browse(t, ctx, "narrowing to a phone's width",
		chromedp.EmulateViewport(390, 844),
		waitFor(`document.documentElement.scrollWidth <= 390`, 5*time.Second))
}

// A user who may not create runs sees the API server's refusal on the page.
func TestDashboardPageShowsTheRefusal(t *testing.T) {
	ns := newNamespace(t)
	d := serveDashboard(t, viewerKubeconfig(t, ns), "-n", ns)
	ctx := testutil.Browser(t, 1280, 900)
	refusal := fmt.Sprintf(`User \"viewer-of-%s\" cannot create resource \"forecastruns\"`, ns)
	browse(t, ctx, "pressing New run as a viewer", chromedp.Navigate(d.url), chromedp.WaitVisible(chromedp.CSS("#mode-QuickTest")),
		chromedp.Click(chromedp.CSS("#start")),
		waitFor(fmt.Sprintf(`[...document.querySelectorAll("#requests li.error")].some(li => li.textContent.includes("%s"))`, refusal), 10*time.Second))
}
