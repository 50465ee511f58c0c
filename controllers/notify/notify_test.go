package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// A JSON, a Slack and a CloudEvents receiver each get exactly one message
// per phase they chose, as the run goes Running, is preempted, runs again
// and succeeds, and each message says what its format promises.
func TestEachFormatGetsOneMessagePerChosenPhase(t *testing.T) {
	ns := newNamespace(t)
	plain, slack, ce := newReceiver(t), newReceiver(t), newReceiver(t)
	hooksSecret(t, ns, map[string]string{"json": plain.URL, "slack": slack.URL + "/services/T0/B0/secret", "ce": ce.URL})
	run := createRun(t, ns, "nightly",
		target("ops", "json", v1alpha1.NotifyJSON, "Running", "Succeeded"),
		target("team", "slack", v1alpha1.NotifySlack),
		target("bus", "ce", v1alpha1.NotifyCloudEvents, "Running", "Preempted", "Succeeded", "Cancelled"))
	startNotifier(t, ns, http.DefaultClient)

	start := metav1.NewTime(time.Now().Add(-130 * time.Second).Truncate(time.Second))
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) {
		st.Phase, st.StartTime = v1alpha1.PhaseRunning, &start
		st.Progress = &v1alpha1.Progress{ItemsTotal: 40}
	})
	waitNotifications(t, ns, "nightly", 2, sent)
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) { st.Phase, st.Preemptions = v1alpha1.PhaseQueued, 1 })
	waitNotifications(t, ns, "nightly", 3, sent)
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) { st.Phase = v1alpha1.PhaseRunning })
	end := metav1.NewTime(start.Add(130 * time.Second))
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) {
		st.Phase, st.CompletionTime, st.Message = v1alpha1.PhaseSucceeded, &end, "succeeded: 40 items forecast"
		st.Result = &v1alpha1.Result{ItemsForecast: 40, Winners: map[string]int32{"Ensemble": 40}, Score: "0.7100", OutputPath: "pvc/results/runs/nightly"}
	})
	waitNotifications(t, ns, "nightly", 6, sent)
	time.Sleep(300 * time.Millisecond) // room for a duplicate to show

	uid := string(run.UID)
	for _, tc := range []struct {
		name string
		rc   *receiver
		want []string
	}{
		{"JSON", plain, []string{uid + "/Running", uid + "/Succeeded"}},
		{"Slack", slack, []string{""}},
		{"CloudEvents", ce, []string{uid + "/Running", uid + "/Preempted/1", uid + "/Succeeded"}},
	} {
		if got := tc.rc.ids(t); !slices.Equal(got, tc.want) {
			t.Errorf("the %s receiver got events %q, want %q", tc.name, got, tc.want)
		}
	}
	checkJSONMessage(t, plain.got()[1], ns)
	checkSlackMessage(t, slack.got()[0], ns)
	checkCloudEvent(t, ce.got()[2], ns, uid)
}

func checkJSONMessage(t *testing.T, r request, ns string) {
	t.Helper()
	var m summary
	if err := json.Unmarshal(r.body, &m); err != nil || r.contentType != "application/json" {
		t.Fatalf("JSON message %q (%s): %v", r.body, r.contentType, err)
	}
	if m.Run.Name != "nightly" || m.Run.Namespace != ns || m.Phase != "Succeeded" || m.ItemsForecast == nil || *m.ItemsForecast != 40 ||
		m.Duration != "2m10s" || m.Score != "0.7100" || m.Metric != "RMSSE" || m.Results != "pvc/results/runs/nightly" ||
		m.Command != "kubectl forecast results nightly -n "+ns {
		t.Errorf("JSON message %s lacks the run, phase, items, duration, score, results or command", r.body)
	}
}

func checkSlackMessage(t *testing.T, r request, ns string) {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(r.body, &m); err != nil || r.contentType != "application/json" {
		t.Fatalf("Slack message %q (%s): %v", r.body, r.contentType, err)
	}
	want := "ForecastRun nightly in namespace " + ns + " Succeeded: 40 items forecast in 2m10s, score 0.7100 (RMSSE, lower is better). " +
		"Results: pvc/results/runs/nightly. See it with `kubectl forecast results nightly -n " + ns + "`"
	if m["text"] != want {
		t.Errorf("Slack text:\n%q\nwant\n%q", m["text"], want)
	}
}

func checkCloudEvent(t *testing.T, r request, ns, uid string) {
	t.Helper()
	var ev struct {
		SpecVersion, ID, Source, Type, Subject, Time, DataContentType string
		Data                                                          summary
	}
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatalf("CloudEvent %q: %v", r.body, err)
	}
	if !strings.HasPrefix(r.contentType, "application/cloudevents+json") {
		t.Errorf("CloudEvent content type %q, want application/cloudevents+json (structured mode)", r.contentType)
	}
	if ev.SpecVersion != "1.0" || ev.ID != uid+"/Succeeded" || ev.Source != "/apis/forecasting.dev/v1alpha1/namespaces/"+ns+"/forecastruns/nightly" ||
		ev.Type != "dev.forecasting.forecastrun.succeeded" || ev.Subject != "nightly" || ev.DataContentType != "application/json" ||
		ev.Data.Run.Name != "nightly" {
		t.Errorf("CloudEvent %s lacks a required attribute or its data", r.body)
	}
	if _, err := time.Parse(time.RFC3339, ev.Time); err != nil {
		t.Errorf("CloudEvent time %q is not RFC 3339: %v", ev.Time, err)
	}
}

// The attempt is recorded before the message leaves: a manager stopped
// while the receiver holds the request (so its outcome is never recorded)
// leaves the message Pending, and the next manager sends it again with the
// same event ID, which is how the receiver knows it for a repeat.
func TestAMessageCutOffByAManagerStopIsSentAgainWithTheSameID(t *testing.T) {
	ns := newNamespace(t)
	rc := newReceiver(t)
	arrived, release := make(chan struct{}), make(chan struct{})
	rc.answer = func(n int, _ request) int {
		if n == 0 {
			close(arrived)
			<-release
		}
		return http.StatusOK
	}
	hooksSecret(t, ns, map[string]string{"json": rc.URL})
	run := createRun(t, ns, "nightly", target("ops", "json", v1alpha1.NotifyJSON))
	first := startNotifier(t, ns, http.DefaultClient)
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) { st.Phase = v1alpha1.PhaseSucceeded })

	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("the message did not arrive within 30s")
	}
	// Read at once from the API server: the attempt must be there before
	// the message left, not after its outcome.
	var inFlight v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), client.ObjectKeyFromObject(run), &inFlight); err != nil {
		t.Fatal(err)
	}
	if n := inFlight.Status.Notifications; len(n) != 1 || n[0].State != v1alpha1.NotificationPending || n[0].Attempts != 1 || n[0].LastAttemptAt == nil {
		t.Errorf("while the message was on its way the status said %+v; want the attempt recorded, still Pending", n)
	}
	first.stop()
	close(release)

	startNotifier(t, ns, http.DefaultClient)
	done := waitNotifications(t, ns, "nightly", 1, sent)
	if done[0].Attempts != 2 {
		t.Errorf("attempts %d, want 2 (the cut-off one and the repeat)", done[0].Attempts)
	}
	want := []string{string(run.UID) + "/Succeeded", string(run.UID) + "/Succeeded"}
	if got := rc.ids(t); !slices.Equal(got, want) {
		t.Errorf("the receiver got %q, want the same event ID twice: %q", got, want)
	}
}

// A receiver that fails for a while gets the message again, with backoff,
// until it accepts it; each attempt is recorded.
func TestRetriesUntilTheReceiverAccepts(t *testing.T) {
	ns := newNamespace(t)
	rc := newReceiver(t)
	rc.answer = func(n int, _ request) int {
		if n < 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}
	hooksSecret(t, ns, map[string]string{"json": rc.URL})
	createRun(t, ns, "nightly", target("ops", "json", v1alpha1.NotifyJSON, "Failed"))
	startNotifier(t, ns, http.DefaultClient)
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) {
		st.Phase, st.Message = v1alpha1.PhaseFailed, "the dataset is empty"
	})

	e := waitNotifications(t, ns, "nightly", 1, sent)[0]
	if e.Attempts != 3 || e.LastError != "" || e.SentAt == nil {
		t.Errorf("after two 503s and a 200: %+v; want Sent on attempt 3, no error left", e)
	}
	if ids := rc.ids(t); len(ids) != 3 || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("the three attempts carried event IDs %q; want one ID", ids)
	}
}

// A message the receiver rejects as such (4xx) is not retried; one that
// keeps failing is given up after the last attempt. Both say why in status
// and in a Warning event.
func TestGivesUpOnARejectionAndAfterTheLastAttempt(t *testing.T) {
	ns := newNamespace(t)
	rejects, down := newReceiver(t), newReceiver(t)
	rejects.answer = func(int, request) int { return http.StatusBadRequest }
	down.answer = func(int, request) int { return http.StatusInternalServerError }
	hooksSecret(t, ns, map[string]string{"rejects": rejects.URL, "down": down.URL})
	createRun(t, ns, "nightly", target("rejects", "rejects", v1alpha1.NotifyJSON), target("down", "down", v1alpha1.NotifyJSON))
	startNotifier(t, ns, http.DefaultClient)
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) { st.Phase = v1alpha1.PhaseSucceeded })

	for _, e := range waitNotifications(t, ns, "nightly", 2, settled) {
		want := map[string]int32{"rejects": 1, "down": maxAttempts}[e.Target]
		if e.State != v1alpha1.NotificationFailed || e.Attempts != want || !strings.Contains(e.LastError, "answered") {
			t.Errorf("%s: %+v; want Failed after %d attempts with the answer in lastError", e.Target, e, want)
		}
	}
	if n := len(rejects.got()); n != 1 {
		t.Errorf("the rejecting receiver got %d requests, want 1", n)
	}
	waitEvent(t, ns, "NotificationFailed", "gave up telling down that the run is Succeeded after 8 attempts")
}

// With the manager's URL policy a receiver on a loopback address is never
// reached, and the error does not show the URL's secret path.
func TestTheURLPolicyRefusesPrivateReceivers(t *testing.T) {
	ns := newNamespace(t)
	rc := newReceiver(t)
	hooksSecret(t, ns, map[string]string{"json": rc.URL + "/hooks/s3cr3t"})
	createRun(t, ns, "nightly", target("ops", "json", v1alpha1.NotifyJSON))
	startNotifier(t, ns, NewHTTPClient(egress.Policy{}))
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) { st.Phase = v1alpha1.PhaseSucceeded })

	e := waitNotifications(t, ns, "nightly", 1, settled)[0]
	if e.State != v1alpha1.NotificationFailed || e.Attempts != 1 || !strings.Contains(e.LastError, "address not allowed") {
		t.Errorf("a loopback receiver: %+v; want Failed at once, address not allowed", e)
	}
	if strings.Contains(e.LastError, "s3cr3t") {
		t.Errorf("lastError shows the webhook's secret path: %s", e.LastError)
	}
	if n := len(rc.got()); n != 0 {
		t.Errorf("the receiver got %d requests through the policy", n)
	}
}

// A Secret created after the run is waited for: the message stays Pending
// with the reason, and goes out once the Secret exists.
func TestWaitsForTheSecret(t *testing.T) {
	ns := newNamespace(t)
	rc := newReceiver(t)
	createRun(t, ns, "nightly", target("ops", "json", v1alpha1.NotifyJSON))
	startNotifier(t, ns, http.DefaultClient)
	setStatus(t, ns, "nightly", func(st *v1alpha1.ForecastRunStatus) { st.Phase = v1alpha1.PhaseSucceeded })

	waitNotifications(t, ns, "nightly", 1, func(e v1alpha1.NotificationStatus) bool {
		return e.State == v1alpha1.NotificationPending && e.LastError == "secret hooks in namespace "+ns+" does not exist"
	})
	hooksSecret(t, ns, map[string]string{"json": rc.URL})
	waitNotifications(t, ns, "nightly", 1, sent)
	if n := len(rc.got()); n != 1 {
		t.Errorf("the receiver got %d messages, want 1", n)
	}
}

// waitEvent waits for an event with reason whose note contains note.
func waitEvent(t *testing.T, ns, reason, note string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var list eventsv1.EventList
		if err := k8sClient.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		for _, e := range list.Items {
			if e.Reason == reason && strings.Contains(e.Note, note) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s event saying %q within 30s", reason, note)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
