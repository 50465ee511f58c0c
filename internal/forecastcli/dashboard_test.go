package forecastcli

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// The first line is the URL with its token; the token opens the page once,
// in exchange for an HttpOnly, SameSite=Strict cookie, and nothing is
// served without that cookie.
func TestDashboardURLTokenWorksOnce(t *testing.T) {
	ns := newNamespace(t)
	d := serveDashboard(t, controlPlane.Kubeconfig, "-n", ns)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}$`).MatchString(d.url) {
		t.Fatalf("first line %q; want http://127.0.0.1:PORT/?token=HEX", d.url)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(d.url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" || len(cookies) != 1 {
		t.Fatalf("opening the URL: %s to %q with %d cookies; want 303 to / with the session cookie", res.Status, res.Header.Get("Location"), len(cookies))
	}
	if c := cookies[0]; !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie %s: HttpOnly %v, SameSite %v; want HttpOnly and Strict", c.Name, c.HttpOnly, c.SameSite)
	}
	if code := d.get(t, "/", nil); code != http.StatusUnauthorized {
		t.Errorf("the page without the cookie: %d; want 401", code)
	}
	if code := d.get(t, "/?token="+strings.SplitN(d.url, "token=", 2)[1], nil); code != http.StatusUnauthorized {
		t.Errorf("the token a second time: %d; want 401", code)
	}
	req, _ := http.NewRequest(http.MethodGet, d.base+"/api/state", nil)
	req.AddCookie(cookies[0])
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the state with the cookie: %v %v; want 200", res.Status, err)
	}
}

// DNS rebinding and cross-site requests: another Host is refused before
// anything else, a change needs POST from the page's own Origin with JSON.
func TestDashboardRefusesOtherHostsOriginsAndMethods(t *testing.T) {
	ns := newNamespace(t)
	d := serveDashboard(t, controlPlane.Kubeconfig, "-n", ns).signIn(t)
	createRun(t, testutil.MakeForecastRun("target", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning})

	rebound, _ := http.NewRequest(http.MethodGet, d.base+"/api/state", nil)
	rebound.Host = "attacker.example:" + strings.TrimPrefix(d.base, "http://127.0.0.1:")
	if res, err := d.client.Do(rebound); err != nil || res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("a request for Host %s: %v %v; want 421", rebound.Host, res.Status, err)
	}
	for _, origin := range []string{"", "http://attacker.example", "null"} {
		req, _ := http.NewRequest(http.MethodPost, d.base+"/api/runs/target/cancel", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := d.client.Do(req)
		if err != nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("cancel with Origin %q: %v %v; want 403", origin, res.Status, err)
		}
	}
	if code := d.get(t, "/api/runs/target/cancel", nil); code != http.StatusMethodNotAllowed {
		t.Errorf("cancel by GET: %d; want 405", code)
	}
	req, _ := http.NewRequest(http.MethodPost, d.base+"/api/runs", strings.NewReader("dataset=synthetic"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", d.base)
	if res, err := d.client.Do(req); err != nil || res.StatusCode != http.StatusBadRequest {
		t.Errorf("a form post: %v %v; want 400", res.Status, err)
	}
	if getRun(t, ns, "target").Spec.Cancel {
		t.Errorf("a refused request cancelled the run")
	}
	res, err := d.client.Get(d.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q; want default-src 'self' and nothing inline", csp)
	}
}

// The state holds what `kubectl forecast queue` and `results` show: the
// holder with its progress, the queue in order with estimated starts, a
// finished run's summary, each mode's last duration and the schedules.
func TestDashboardStateShowsRunsQueueAndSchedules(t *testing.T) {
	ns := newNamespace(t)
	now := time.Now()
	sample := testutil.MakeForecastRun("sample-done", ns).Mode(v1alpha1.ModeSample).Output("results", "runs").Obj()
	createRun(t, sample, v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded,
		StartTime: &metav1.Time{Time: now.Add(-95 * time.Second)}, CompletionTime: &metav1.Time{Time: now.Add(-5 * time.Second)},
		Result: &v1alpha1.Result{ItemsForecast: 500, ItemsFailed: 2, Score: "0.81", Winners: map[string]int32{"AutoETS": 300, "Naive": 200}}})
	holder := createRun(t, testutil.MakeForecastRun("holder", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning,
		Progress:                &v1alpha1.Progress{Percent: 40, ItemsDone: 40, ItemsTotal: 100},
		EstimatedCompletionTime: &metav1.Time{Time: now.Add(60 * time.Second)}})
	holdLock(t, ns, defaultLock, "holder/"+string(holder.UID))
	createRun(t, testutil.MakeForecastRun("normal", ns).Obj(), queued(2, "30s"))
	createRun(t, testutil.MakeForecastRun("urgent", ns).Priority(v1alpha1.PriorityUrgent).Obj(), queued(1, "20s"))
	if err := k8s.Create(context.Background(), testutil.MakeForecastSchedule("nightly", ns).Cron("0 2 * * *").Obj()); err != nil {
		t.Fatal(err)
	}

	d := serveDashboard(t, controlPlane.Kubeconfig, "-n", ns).signIn(t)
	var st dashboardState
	if code := d.get(t, "/api/state", &st); code != http.StatusOK {
		t.Fatalf("state: %d", code)
	}
	if st.Namespace != ns || st.Context == "" || len(st.Problems) > 0 {
		t.Errorf("namespace %q, context %q, problems %q; want %s, the kubeconfig's context, none", st.Namespace, st.Context, st.Problems, ns)
	}
	lock := st.Locks[0]
	if !strings.Contains(lock.Holder, "is held by holder") || !strings.Contains(lock.Holder, "40%") {
		t.Errorf("holder %q; want the holding run and its progress", lock.Holder)
	}
	if len(lock.Queue) != 2 || lock.Queue[0].Name != "urgent" || lock.Queue[1].Name != "normal" {
		t.Fatalf("queue %+v; want urgent, then normal", lock.Queue)
	}
	if !strings.HasPrefix(lock.Queue[0].EstimatedStart, "in ") || !strings.HasPrefix(lock.Queue[1].EstimatedStart, "in 1m") {
		t.Errorf("estimated starts %q, %q; want about 1m0s and 1m20s", lock.Queue[0].EstimatedStart, lock.Queue[1].EstimatedStart)
	}
	row := runRowNamed(&st, "sample-done")
	if row == nil || row.Result == nil || row.Result.Winners[0].Model != "AutoETS" || !row.HasReport || row.Cancellable {
		t.Fatalf("finished run %+v; want its summary, AutoETS first, a report and no cancel", row)
	}
	if r := runRowNamed(&st, "holder"); r.Percent != 40 || r.Items != "40/100" || !strings.HasPrefix(r.ETA, "in ") || !r.Cancellable {
		t.Errorf("running run %+v; want 40%%, 40/100 items, an ETA and a cancel", r)
	}
	if m := st.Modes[1]; m.Mode != "Sample" || m.Items != "500 items" || m.Expected != "about 1m30s (as sample-done took)" {
		t.Errorf("Sample mode %+v; want 500 items, about 1m30s as sample-done took", m)
	}
	if st.Modes[0].Expected != "no Succeeded run yet" || st.Modes[3].Items != "all items" {
		t.Errorf("modes %+v", st.Modes)
	}
	if len(st.Schedules) != 1 || st.Schedules[0].Name != "nightly" || st.Schedules[0].Last != "never" {
		t.Errorf("schedules %+v; want nightly, never run", st.Schedules)
	}
}

// The form creates a run with what was chosen and says where it stands;
// cancel and rerun act as the commands do; the API server's refusal of an
// invalid spec comes back as it worded it.
func TestDashboardCreatesCancelsAndReruns(t *testing.T) {
	ns := newNamespace(t)
	d := serveDashboard(t, controlPlane.Kubeconfig, "-n", ns).signIn(t)
	var made created
	code := d.post(t, "/api/runs", newRunForm{Mode: "Sample", Dataset: "synthetic:300x100", Priority: "High", Output: "pvc:results/runs"}, &made)
	if code != http.StatusCreated || !strings.HasPrefix(made.Name, "forecast-") || made.Outcome != "pending" {
		t.Fatalf("create: %d %+v; want 201 and a forecast-* run not yet placed", code, made)
	}
	run := getRun(t, ns, made.Name)
	if run.Spec.Mode != v1alpha1.ModeSample || run.Spec.Priority != v1alpha1.PriorityHigh || run.Spec.Dataset.Synthetic.Items != 300 || run.Spec.Output == nil {
		t.Errorf("created spec %+v; want Sample, High, 300 synthetic items, an output claim", run.Spec)
	}

	var refused apiError
	if code := d.post(t, "/api/runs", newRunForm{Mode: "Sample", Dataset: "synthetic", Priority: "Soonest"}, &refused); code != http.StatusUnprocessableEntity ||
		!strings.Contains(refused.Error, `spec.priority: Unsupported value: "Soonest"`) {
		t.Errorf("an invalid priority: %d %q; want 422 with the API server's words", code, refused.Error)
	}
	if code := d.post(t, "/api/runs", newRunForm{Dataset: "ftp://x"}, &refused); code != http.StatusBadRequest || !strings.Contains(refused.Error, `unknown source "ftp"`) {
		t.Errorf("an unknown dataset form: %d %q; want 400 naming it", code, refused.Error)
	}

	var said map[string]string
	if code := d.post(t, "/api/runs/"+made.Name+"/cancel", nil, &said); code != http.StatusOK || !strings.Contains(said["message"], "cancel requested") {
		t.Errorf("cancel: %d %v", code, said)
	}
	if !getRun(t, ns, made.Name).Spec.Cancel {
		t.Errorf("spec.cancel still false after the cancel button")
	}
	var again created
	if code := d.post(t, "/api/runs/"+made.Name+"/rerun", nil, &again); code != http.StatusCreated || !strings.HasPrefix(again.Name, made.Name+"-rerun-") {
		t.Fatalf("rerun: %d %+v", code, again)
	}
	if re := getRun(t, ns, again.Name); re.Spec.Cancel || re.Spec.Mode != v1alpha1.ModeSample {
		t.Errorf("rerun spec %+v; want the same spec, not cancelled", re.Spec)
	}
	if code := d.post(t, "/api/runs/ghost/cancel", nil, &refused); code != http.StatusNotFound || !strings.Contains(refused.Error, `forecastrun "ghost" not found in namespace `+ns) {
		t.Errorf("cancel of a missing run: %d %q", code, refused.Error)
	}
}

// A user who may read but not create runs sees the runs, and the API
// server's refusal when they press New run.
func TestDashboardShowsTheAPIServersRefusal(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("visible", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued})
	d := serveDashboard(t, viewerKubeconfig(t, ns), "-n", ns).signIn(t)
	var st dashboardState
	if d.get(t, "/api/state", &st); runRowNamed(&st, "visible") == nil || len(st.Problems) > 0 {
		t.Fatalf("the viewer's state: runs %+v, problems %q; want the run", st.Runs, st.Problems)
	}
	var refused apiError
	code := d.post(t, "/api/runs", newRunForm{Mode: "QuickTest", Dataset: "synthetic"}, &refused)
	if code != http.StatusForbidden || !strings.Contains(refused.Error, `User "viewer-of-`+ns+`" cannot create resource "forecastruns"`) {
		t.Errorf("create as a viewer: %d %q; want 403 with the API server's words", code, refused.Error)
	}
	if code := d.post(t, "/api/runs/visible/cancel", nil, &refused); code != http.StatusForbidden || !strings.Contains(refused.Error, "cannot patch") {
		t.Errorf("cancel as a viewer: %d %q; want 403", code, refused.Error)
	}
	var list v1alpha1.ForecastRunList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil || len(list.Items) != 1 {
		t.Errorf("runs after the refusals: %d (%v); want only the one", len(list.Items), err)
	}
}

// A status the controller writes reaches the event stream within a second.
func TestDashboardEventsFollowAStatusChange(t *testing.T) {
	ns := newNamespace(t)
	run := createRun(t, testutil.MakeForecastRun("moving", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning,
		Progress: &v1alpha1.Progress{Percent: 10, ItemsDone: 10, ItemsTotal: 100}})
	d := serveDashboard(t, controlPlane.Kubeconfig, "-n", ns).signIn(t)
	res, err := d.client.Get(d.base + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events Content-Type %q", ct)
	}
	events := bufio.NewReader(res.Body)
	nextState(t, events, 5*time.Second, func(st *dashboardState) bool { return runRowNamed(st, "moving") != nil })
	// The watches start after the first state; give them a moment.
	time.Sleep(500 * time.Millisecond)
	for _, pct := range []int32{35, 70} {
		run.Status.Progress = &v1alpha1.Progress{Percent: pct, ItemsDone: pct, ItemsTotal: 100}
		if err := k8s.Status().Update(context.Background(), run); err != nil {
			t.Fatal(err)
		}
		st := nextState(t, events, time.Second, func(st *dashboardState) bool { return runRowNamed(st, "moving").Percent == pct })
		if r := runRowNamed(st, "moving"); r.Items != fmtItems(pct) {
			t.Errorf("items %q; want %s", r.Items, fmtItems(pct))
		}
	}
}

func fmtItems(done int32) string { return fmt.Sprintf("%d/100", done) }

// A report is only for a Succeeded run with an output claim; the refusal
// says why, as `results --copy` does.
func TestDashboardReportRefusals(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("running", ns).Output("results", "runs").Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning})
	createRun(t, testutil.MakeForecastRun("no-output", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded,
		Result: &v1alpha1.Result{ItemsForecast: 1}, StartTime: ptr.To(metav1.Now()), CompletionTime: ptr.To(metav1.Now())})
	d := serveDashboard(t, controlPlane.Kubeconfig, "-n", ns).signIn(t)
	for name, want := range map[string]string{
		"running":   "is Running, not Succeeded",
		"no-output": "has no spec.output",
	} {
		var refused apiError
		if code := d.get(t, "/api/runs/"+name+"/report", &refused); code != http.StatusConflict || !strings.Contains(refused.Error, want) {
			t.Errorf("report of %s: %d %q; want 409 and %q", name, code, refused.Error, want)
		}
	}
}
