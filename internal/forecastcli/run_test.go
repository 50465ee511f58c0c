package forecastcli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Every --dataset form becomes the matching source, with the API's
// defaults filled in by the server.
func TestRunCreatesEachDatasetForm(t *testing.T) {
	ns := newNamespace(t)
	tests := []struct {
		name, dataset string
		want          v1alpha1.Dataset
	}{
		{"from-configmap", "configmap:sales/sales.csv", v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "sales.csv"}}},
		{"from-claim", "pvc:data/weekly/sales.csv", v1alpha1.Dataset{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "data", Path: "weekly/sales.csv"}}},
		{"from-url", "https://example.com/sales.csv", v1alpha1.Dataset{URL: "https://example.com/sales.csv"}},
		{"synthetic", "synthetic:400x200", v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: 400, Periods: 200, Seed: 42}}},
		{"synthetic-defaults", "synthetic", v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: 3707, Periods: 730, Seed: 42}}},
	}
	for _, tc := range tests {
		out := mustExecute(t, "run", tc.name, "--dataset", tc.dataset, "-n", ns)
		if !strings.Contains(out, "forecastrun/"+tc.name+" created in namespace "+ns) {
			t.Errorf("run %s printed %q; want the created name and namespace", tc.name, out)
		}
		got := getRun(t, ns, tc.name).Spec.Dataset
		tc.want.Frequency, tc.want.Missing = "daily", "zero"
		tc.want.Columns = v1alpha1.Columns{Item: "item_id", Time: "date", Value: "quantity"}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("run %s: dataset (-want +got):\n%s", tc.name, d)
		}
	}
}

// Every flag lands in its spec field.
func TestRunSetsTheSpecFromFlags(t *testing.T) {
	ns := newNamespace(t)
	mustExecute(t, "run", "nightly", "-n", ns, "--mode", "Full", "--priority", "Urgent", "--dataset", "synthetic:50",
		"--frequency", "weekly", "--horizon", "13", "--when-busy", "Reject", "--lock", "nightly-lock",
		"--output", "pvc:results/runs", "--item-limit", "20", "--metric", "RMSE")
	spec := getRun(t, ns, "nightly").Spec
	want := v1alpha1.ForecastRunSpec{
		Mode: v1alpha1.ModeFull, Priority: v1alpha1.PriorityUrgent, WhenBusy: v1alpha1.BusyReject, LockName: "nightly-lock",
		Horizon: ptr.To[int32](13), ItemLimit: ptr.To[int32](20), Metric: "RMSE",
		Output: &v1alpha1.Output{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "results", Path: "runs"}},
	}
	got := v1alpha1.ForecastRunSpec{
		Mode: spec.Mode, Priority: spec.Priority, WhenBusy: spec.WhenBusy, LockName: spec.LockName,
		Horizon: spec.Horizon, ItemLimit: spec.ItemLimit, Metric: spec.Metric, Output: spec.Output,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("spec (-want +got):\n%s", d)
	}
	if spec.Dataset.Frequency != "weekly" {
		t.Errorf("dataset frequency %q, want weekly", spec.Dataset.Frequency)
	}
}

func TestRunGeneratesANameAndPrintsJSON(t *testing.T) {
	ns := newNamespace(t)
	out := mustExecute(t, "run", "--dataset", "synthetic:10", "-n", ns, "-o", "json")
	var run v1alpha1.ForecastRun
	if err := json.Unmarshal([]byte(out), &run); err != nil {
		t.Fatalf("decoding the printed run: %v\n%s", err, out)
	}
	if !strings.HasPrefix(run.Name, "forecast-") || run.Kind != "ForecastRun" || run.Namespace != ns {
		t.Errorf("printed run %s/%s of kind %q; want a generated forecast-* name in %s, kind ForecastRun", run.Namespace, run.Name, run.Kind, ns)
	}
}

// A malformed --dataset is refused before anything is created; a value the
// API server refuses comes back with the server's own words.
func TestRunRejectsBadDatasets(t *testing.T) {
	ns := newNamespace(t)
	_, _, err := execute(t, "run", "bad", "--dataset", "configmap:sales", "-n", ns)
	if err == nil || !strings.Contains(err.Error(), `invalid --dataset "configmap:sales": a ConfigMap source is NAME/KEY`) {
		t.Errorf("malformed --dataset: %v; want a message naming the value and the form", err)
	}
	_, _, err = execute(t, "run", "escape", "--dataset", "pvc:data/../etc/passwd", "-n", ns)
	if err == nil || !strings.Contains(err.Error(), "path must be relative to the volume root and must not contain '..'") {
		t.Errorf("path with ..: %v; want the API server's validation message", err)
	}
	_, _, err = execute(t, "run", "no-dataset", "-n", ns)
	if err == nil || !strings.Contains(err.Error(), `"dataset" not set`) {
		t.Errorf("missing --dataset: %v; want cobra's required-flag error", err)
	}
	var list v1alpha1.ForecastRunList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil || len(list.Items) != 0 {
		t.Errorf("%d runs exist after refused creations (%v); want none", len(list.Items), err)
	}
}

// --wait follows the run until it finishes and fails unless it Succeeded.
func TestRunWaitFollowsToTheEnd(t *testing.T) {
	ns := newNamespace(t)
	for phase, wantErr := range map[v1alpha1.Phase]bool{v1alpha1.PhaseSucceeded: false, v1alpha1.PhaseFailed: true} {
		name := strings.ToLower(string(phase))
		go finishLater(t, ns, name, phase)
		out, _, err := execute(t, "run", name, "--dataset", "synthetic:10", "-n", ns, "--wait")
		if (err != nil) != wantErr {
			t.Errorf("run --wait ending %s: error %v, want error %v", phase, err, wantErr)
		}
		if !strings.Contains(out, string(phase)+" — the end") {
			t.Errorf("run --wait ending %s printed:\n%s\nwant the final phase and message", phase, out)
		}
	}
}

// finishLater plays the controller: once the run exists it is Running,
// then it ends in phase.
func finishLater(t *testing.T, ns, name string, phase v1alpha1.Phase) {
	ctx := context.Background()
	var run v1alpha1.ForecastRun
	for k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &run) != nil {
		time.Sleep(20 * time.Millisecond)
	}
	run.Status = v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning, Message: "forecasting", EstimatedDuration: &metav1.Duration{Duration: 5 * time.Second},
		Progress: &v1alpha1.Progress{Percent: 50, ItemsDone: 5, ItemsTotal: 10}}
	if err := k8s.Status().Update(ctx, &run); err != nil {
		t.Errorf("setting %s Running: %v", name, err)
		return
	}
	time.Sleep(100 * time.Millisecond)
	run.Status.Phase, run.Status.Message = phase, "the end"
	if err := k8s.Status().Update(ctx, &run); err != nil {
		t.Errorf("ending %s: %v", name, err)
	}
}
