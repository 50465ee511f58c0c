package controllers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func serviceAccountUser(ns, name string) string { return "system:serviceaccount:" + ns + ":" + name }

// runnerMayReportButNotDecide checks, as the runner's ServiceAccount sa,
// what the runner of a Running run may write into its status: its shard
// reports and its result, and nothing the controller decides.
func runnerMayReportButNotDecide(t *testing.T, ns, name, sa string) {
	t.Helper()
	ctx := context.Background()
	runner, err := cp.ClientAs(serviceAccountUser(ns, sa))
	if err != nil {
		t.Fatal(err)
	}
	waitAllowed(t, serviceAccountUser(ns, sa), ns, rbacv1.PolicyRule{APIGroups: []string{v1alpha1.GroupVersion.Group},
		Resources: []string{"forecastruns/status"}, Verbs: []string{"patch"}, ResourceNames: []string{name}})
	run := getRun(t, ns, name)
	token := run.Status.FencingToken
	wantAdmitted(t, "the runner's shard report", reportShardAs(runner, ns, name, 0, 3, 10, token))
	wantAdmitted(t, "the runner's result", applyStatusAs(runner, ns, name, "forecastrun-runner",
		map[string]any{"result": map[string]any{"itemsForecast": 10, "fencingToken": token}}))
	wantAdmitted(t, "the runner's summary of its report", applyStatusAs(runner, ns, name, "forecastrun-runner-shard-0", runningSummary(3, 10)))
	forgeries := map[string]string{
		"phase":        `{"status":{"phase":"Succeeded"}}`,
		"conditions":   `{"status":{"conditions":[{"type":"Succeeded","status":"True","reason":"JobSucceeded","message":"forged","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`,
		"fencingToken": `{"status":{"fencingToken":"forged"}}`,
		"message":      `{"status":{"message":"forged"}}`,
		"message ":     `{"status":{"message":"succeeded: 10 items forecast"}}`,
		"jobName":      `{"status":{"jobName":"someone-else"}}`,
	}
	for field, patch := range forgeries {
		err := runner.Status().Patch(ctx, run.DeepCopy(), client.RawPatch(types.MergePatchType, []byte(patch)))
		field = strings.TrimSpace(field)
		wantRefused(t, "the runner writing status."+field, err, "may change only status.shards and status.result", "not status."+field)
	}
	err = applyStatusAs(runner, ns, name, "forecastrun-runner", map[string]any{"phase": "Failed"})
	wantRefused(t, "the runner applying status.phase", err, "not status.phase")
	if got := getRun(t, ns, name); got.Status.Phase != v1alpha1.PhaseRunning || got.Status.FencingToken != token {
		t.Errorf("after the forgeries the run is %s with token %q, want Running with %q", got.Status.Phase, got.Status.FencingToken, token)
	}
}

// TestRunnerCannotForgeTheOutcome: the runner's Role lets it patch its
// run's status, which before the admission policy let a compromised runner
// Pod write a finished phase (and so have the lock released) while its Job
// still ran. Now it may write only its shard reports and its result.
func TestRunnerCannotForgeTheOutcome(t *testing.T) {
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("forge", ns).Obj())
	waitJob(t, ns, "forge-runner")
	waitPhase(t, ns, "forge", v1alpha1.PhaseRunning)
	runnerMayReportButNotDecide(t, ns, "forge", "forge-runner")

	// Once the run has ended, its summary is the controller's alone.
	run := getRun(t, ns, "forge")
	run.Spec.Cancel = true
	if err := k8sClient.Update(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, ns, "forge", v1alpha1.PhaseCancelled)
	runner, err := cp.ClientAs(serviceAccountUser(ns, "forge-runner"))
	if err != nil {
		t.Fatal(err)
	}
	err = applyStatusAs(runner, ns, "forge", "forecastrun-runner-shard-0", runningSummary(9, 10))
	wantRefused(t, "the runner writing a summary of a Cancelled run", err, "not status.progress")
}

// runningSummary is the summary a runner writes with its report.
func runningSummary(done, total int32) map[string]any {
	return map[string]any{
		"progress": map[string]any{"itemsDone": done, "itemsTotal": total, "items": fmt.Sprintf("%d/%d", done, total)},
		"message":  fmt.Sprintf("running: %d of %d items; holds lock forecast-pipeline", done, total),
	}
}

// TestRunnerUsesTheNamedServiceAccount: a run that names a ServiceAccount
// runs its Pods as that one, with its token mounted whatever the
// ServiceAccount says, and its minimal Role bound to it; no ServiceAccount
// of the run's own is made. The named ServiceAccount is held to the same
// limits on the status as the run's own.
func TestRunnerUsesTheNamedServiceAccount(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	create(t, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "team-runner", Namespace: ns}, AutomountServiceAccountToken: ptr.To(false)})
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("named", ns).ServiceAccount("team-runner").Obj())
	job := waitJob(t, ns, "named-runner")
	pod := job.Spec.Template.Spec
	if pod.ServiceAccountName != "team-runner" || !ptr.Deref(pod.AutomountServiceAccountToken, false) {
		t.Errorf("runner Pods run as %q with automount %v, want team-runner with its token", pod.ServiceAccountName, pod.AutomountServiceAccountToken)
	}
	var binding rbacv1.RoleBinding
	if err := k8sClient.Get(ctx, keyOf(ns, "named-runner"), &binding); err != nil {
		t.Fatal(err)
	}
	if want := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "team-runner", Namespace: ns}}; !reflect.DeepEqual(binding.Subjects, want) {
		t.Errorf("the runner's Role is bound to %+v, want %+v", binding.Subjects, want)
	}
	if err := k8sClient.Get(ctx, keyOf(ns, "named-runner"), &corev1.ServiceAccount{}); !apierrors.IsNotFound(err) {
		t.Errorf("a ServiceAccount of the run's own was made beside the named one: %v", err)
	}
	waitPhase(t, ns, "named", v1alpha1.PhaseRunning)
	runnerMayReportButNotDecide(t, ns, "named", "team-runner")
}

// TestRunnerStatusPolicyCoversEveryDecidedField: the policy that limits
// the runner's status writes names the fields it protects one by one; a
// field added to ForecastRunStatus must be added there too, or a runner
// could write it. The summary people watch is protected but for a Running
// run, whose runner writes it with its report.
func TestRunnerStatusPolicyCoversEveryDecidedField(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "config", "admission", "runner_status.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	policy := strings.SplitN(string(data), "\n---\n", 2)[0]
	var vap struct {
		Spec struct {
			Variables []struct{ Name, Expression string }
		}
	}
	if err := yaml.Unmarshal([]byte(policy), &vap); err != nil {
		t.Fatal(err)
	}
	expr := ""
	for _, v := range vap.Spec.Variables {
		if v.Name == "changed" {
			expr = v.Expression
		}
	}
	summary := map[string]bool{"progress": true, "estimatedCompletionTime": true, "message": true}
	status := reflect.TypeFor[v1alpha1.ForecastRunStatus]()
	for i := range status.NumField() {
		field := strings.Split(status.Field(i).Tag.Get("json"), ",")[0]
		unchanged := fmt.Sprintf("object.?status.?%s == oldObject.?status.?%s", field, field)
		protected := strings.Contains(expr, unchanged+" ? [] : ['"+field+"']")
		whileRunning := strings.Contains(expr, unchanged+" || variables.running") || strings.Contains(expr, unchanged+" || (variables.running")
		switch {
		case field == "shards" || field == "result":
			if protected || whileRunning {
				t.Errorf("status.%s: protected, want it writable by the runner", field)
			}
		case summary[field]:
			if !whileRunning || protected {
				t.Errorf("status.%s: protected %v, writable while Running %v; want only the latter", field, protected, whileRunning)
			}
		case !protected || whileRunning:
			t.Errorf("status.%s: protected %v, writable while Running %v; want always protected", field, protected, whileRunning)
		}
	}
}

// TestManagerWritesOnlyItsOwnLeases: RBAC gives the manager update on
// Leases in every namespace; the admission policy narrows it to the Leases
// it created, so that it can never take over another application's (which
// before it could: the update went through).
func TestManagerWritesOnlyItsOwnLeases(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	mgr, err := cp.ClientAs(testutil.ManagerServiceAccount)
	if err != nil {
		t.Fatal(err)
	}
	lease := func(name string, owned bool) *coordinationv1.Lease {
		l := &coordinationv1.Lease{}
		l.Name, l.Namespace = name, ns
		l.Spec.HolderIdentity = ptr.To("someone")
		if owned {
			l.Labels = map[string]string{labelManagedBy: managerName}
		}
		return l
	}
	other := lease("other-app-leader", false)
	create(t, other)
	other.Spec.HolderIdentity = ptr.To("forecast-x/c0ffee")
	wantRefused(t, "the manager updating another application's Lease", mgr.Update(ctx, other), "may write only the Leases it created", "other-app-leader")
	wantRefused(t, "the manager creating an unlabelled Lease", mgr.Create(ctx, lease("unlabelled", false)), "may write only the Leases it created")
	mine := lease("forecast-pipeline", true)
	wantAdmitted(t, "the manager creating its own Lease", mgr.Create(ctx, mine))
	mine.Spec.HolderIdentity = ptr.To("run/1")
	wantAdmitted(t, "the manager updating its own Lease", mgr.Update(ctx, mine))
	mine.Labels = nil
	wantRefused(t, "the manager removing its label", mgr.Update(ctx, mine), "may write only the Leases it created")
	if err := mgr.Delete(ctx, other); !apierrors.IsForbidden(err) {
		t.Errorf("the manager deleting a Lease: %v, want forbidden (it never deletes one)", err)
	}
	// Its leader-election Lease is its own, in its own namespace.
	if err := k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "forecastrun-system"}}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	election := lease("forecastrun-manager.forecasting.dev", false)
	election.Namespace = "forecastrun-system"
	if err := mgr.Create(ctx, election); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Errorf("the manager creating its leader-election Lease: %v", err)
	}
}

// TestManagerRunsWithItsOwnRights runs a manager as the ServiceAccount of
// a default install, with the ClusterRole config/rbac gives it and under
// the admission policies: it admits a run reading a ConfigMap (granting
// the runner get on it), creates its runner's identity and Job, records
// the end and releases the lock.
func TestManagerRunsWithItsOwnRights(t *testing.T) {
	ns := newNamespace(t)
	create(t, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "sales", Namespace: ns}, Data: map[string]string{"sales.csv": "item_id,date,quantity\n"}})
	startManager(t, ns, asUser(testutil.ManagerServiceAccount))
	create(t, testutil.MakeForecastRun("own-rights", ns).ConfigMap("sales", "sales.csv").Obj())
	waitJob(t, ns, "own-rights-runner")
	run := waitPhase(t, ns, "own-rights", v1alpha1.PhaseRunning)
	var role rbacv1.Role
	if err := k8sClient.Get(context.Background(), keyOf(ns, "own-rights-runner"), &role); err != nil {
		t.Fatal(err)
	}
	finishJob(t, ns, run.Status.JobName, true)
	waitPhase(t, ns, "own-rights", v1alpha1.PhaseSucceeded)
	eventually(t, 20*time.Second, "the lock is released", func() error {
		if l := leaseOrNil(ns, "forecast-pipeline"); l == nil || leaseHolder(l) != "" {
			return fmt.Errorf("lease %+v", l)
		}
		return nil
	})
}
