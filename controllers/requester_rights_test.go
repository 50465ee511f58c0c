package controllers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// A restricted user for the admission tests: alice may create, change and
// delete runs and schedules in her namespace (forecastrun-editor, the role
// config/rbac aggregates into the namespace edit role) and nothing else
// until a test grants it.
type restrictedUser struct {
	name, ns string
	c        client.Client
}

func newRestrictedUser(t *testing.T, ns, name string) *restrictedUser {
	t.Helper()
	create(t, testutil.EditorBinding(ns, name+"-editor", rbacv1.Subject{Kind: rbacv1.UserKind, Name: name}))
	c, err := cp.ClientAs(name)
	if err != nil {
		t.Fatal(err)
	}
	waitAllowed(t, name, ns, rule(v1alpha1.GroupVersion.Group, "forecastruns", "create"))
	return &restrictedUser{name: name, ns: ns, c: c}
}

// grant gives the user the rule, through a Role of their own.
func (u *restrictedUser) grant(t *testing.T, name string, r rbacv1.PolicyRule) {
	t.Helper()
	create(t, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: u.ns}, Rules: []rbacv1.PolicyRule{r}})
	u.bind(t, "Role", name, r)
}

// bind binds the user to a Role or ClusterRole in their namespace, and
// waits until the rule r it grants is in force.
func (u *restrictedUser) bind(t *testing.T, kind, role string, r rbacv1.PolicyRule) {
	t.Helper()
	create(t, testutil.RoleBinding(u.ns, u.name+"-"+strings.ToLower(role), kind, role, rbacv1.Subject{Kind: rbacv1.UserKind, Name: u.name}))
	waitAllowed(t, u.name, u.ns, r)
}

// waitAllowed waits until the API server's authorizer, which learns of new
// RBAC objects from a watch, allows user the first verb of r in ns.
func waitAllowed(t *testing.T, user, ns string, r rbacv1.PolicyRule) {
	t.Helper()
	resource, sub, _ := strings.Cut(r.Resources[0], "/")
	attrs := &authorizationv1.ResourceAttributes{Namespace: ns, Group: r.APIGroups[0], Resource: resource, Subresource: sub, Verb: r.Verbs[0]}
	if len(r.ResourceNames) > 0 {
		attrs.Name = r.ResourceNames[0]
	}
	eventually(t, 20*time.Second, user+" may "+attrs.Verb+" "+attrs.Resource, func() error {
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: attrs}}
		if err := k8sClient.Create(context.Background(), review); err != nil {
			return err
		}
		if !review.Status.Allowed {
			return fmt.Errorf("not yet: %s", review.Status.Reason)
		}
		return nil
	})
}

func (u *restrictedUser) createRun(b *testutil.RunBuilder) error {
	return u.c.Create(context.Background(), b.Obj())
}

// wantRefused checks that the API server refused a request as forbidden,
// with a message holding every part.
func wantRefused(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if !apierrors.IsForbidden(err) {
		t.Errorf("%s: %v, want it refused as forbidden", what, err)
		return
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: refusal %q does not say %q", what, err, p)
		}
	}
}

func wantAdmitted(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v, want it admitted", what, err)
	}
}

func rule(group, resource, verb string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: []string{group}, Resources: []string{resource}, Verbs: []string{verb}, ResourceNames: names}
}

// TestRunsNeedTheirCreatorsRightsToData: a run reads its dataset and writes
// its claims with the operator's rights, so it is admitted only when the
// person creating it may read that ConfigMap and use those claims; before
// the admission policy, alice could have a run read any ConfigMap of the
// namespace (and see its first bad line in status.message) or overwrite
// any claim.
func TestRunsNeedTheirCreatorsRightsToData(t *testing.T) {
	ns := newNamespace(t)
	alice := newRestrictedUser(t, ns, "alice")
	ok := func() *testutil.RunBuilder { return testutil.MakeForecastRun("ok-"+randSuffix(), ns) }

	wantAdmitted(t, "a synthetic dataset", alice.createRun(ok()))
	wantAdmitted(t, "a URL dataset", alice.createRun(ok().URL("https://data.example.com/sales.csv")))
	wantRefused(t, "a ConfigMap alice may not read", alice.createRun(ok().ConfigMap("payroll", "salaries.csv")),
		"spec.dataset.configMap: user alice may not get ConfigMap payroll in namespace "+ns)
	alice.grant(t, "read-sales", rule("", "configmaps", "get", "sales"))
	wantAdmitted(t, "the ConfigMap alice may read", alice.createRun(ok().ConfigMap("sales", "sales.csv")))
	wantRefused(t, "another ConfigMap", alice.createRun(ok().ConfigMap("payroll", "salaries.csv")), "ConfigMap payroll")

	wantRefused(t, "a dataset claim", alice.createRun(ok().DatasetClaim("archive", "sales.csv")),
		"spec.dataset.persistentVolumeClaim: user alice may not use claim archive", "create Pods or Jobs", "verb use")
	wantRefused(t, "an output claim", alice.createRun(ok().Output("results", "runs")),
		"spec.output.persistentVolumeClaim: user alice may not use claim results")
	alice.grant(t, "use-archive", rule("", "persistentvolumeclaims", "use", "archive"))
	wantAdmitted(t, "a dataset claim alice may use", alice.createRun(ok().DatasetClaim("archive", "sales.csv")))
	wantRefused(t, "another claim", alice.createRun(ok().Output("results", "runs")), "claim results")
	alice.grant(t, "create-jobs", rule("batch", "jobs", "create"))
	wantAdmitted(t, "any claim, for someone who may create Jobs", alice.createRun(ok().Output("results", "runs")))
}

// TestNotifyingNeedsTheRightToReadTheSecret: the manager reads a
// notification's webhook URL from a Secret with its own rights, so a run
// naming a Secret is admitted only for someone who may get that Secret;
// otherwise anyone who may create runs could have the manager post to a
// URL they cannot see (and learn from status whether it answered).
func TestNotifyingNeedsTheRightToReadTheSecret(t *testing.T) {
	ns := newNamespace(t)
	alice := newRestrictedUser(t, ns, "alice")
	run := func() *testutil.RunBuilder { return testutil.MakeForecastRun("notify-"+randSuffix(), ns) }
	wantRefused(t, "a Secret alice may not read", alice.createRun(run().Notify("team", "team-hooks", "slack")),
		"spec.notify: user alice may not get Secret team-hooks in namespace "+ns)
	alice.grant(t, "read-hooks", rule("", "secrets", "get", "team-hooks"))
	wantAdmitted(t, "the Secret alice may read", alice.createRun(run().Notify("team", "team-hooks", "slack")))
	wantRefused(t, "one readable Secret and one not", alice.createRun(run().Notify("team", "team-hooks", "slack").Notify("ops", "ops-hooks", "url")),
		"may not get every one of the Secrets team-hooks, ops-hooks")
}

// TestObjectStoreSecretsNeedTheirCreatorsRightToRead: the runner receives
// an object store's access key from the Secret the run names, and the
// run's creator chooses the endpoint it is sent to; so a run may name only
// a Secret its creator may get, for its dataset and for its output alike.
func TestObjectStoreSecretsNeedTheirCreatorsRightToRead(t *testing.T) {
	ns := newNamespace(t)
	alice := newRestrictedUser(t, ns, "alice")
	const endpoint = "https://s3.example.com"
	ok := func() *testutil.RunBuilder { return testutil.MakeForecastRun("s3-"+randSuffix(), ns) }

	wantRefused(t, "a dataset Secret alice may not read", alice.createRun(ok().ObjectStoreDataset(endpoint, "sales", "a.csv", "prod-s3")),
		"spec.dataset.objectStore.credentialsSecret: user alice may not get Secret prod-s3 in namespace "+ns)
	wantRefused(t, "an output Secret alice may not read", alice.createRun(ok().ObjectStoreOutput(endpoint, "results", "runs", "prod-s3")),
		"spec.output.objectStore.credentialsSecret: user alice may not get Secret prod-s3 in namespace "+ns)
	alice.grant(t, "read-team-s3", rule("", "secrets", "get", "team-s3"))
	wantAdmitted(t, "the dataset Secret alice may read", alice.createRun(ok().ObjectStoreDataset(endpoint, "sales", "a.csv", "team-s3")))
	wantAdmitted(t, "the output Secret alice may read", alice.createRun(ok().ObjectStoreOutput(endpoint, "results", "runs", "team-s3")))
	wantRefused(t, "another Secret", alice.createRun(ok().ObjectStoreDataset(endpoint, "sales", "a.csv", "team-s3").ObjectStoreOutput(endpoint, "results", "runs", "prod-s3")),
		"spec.output.objectStore.credentialsSecret", "Secret prod-s3")
}

// TestNamingAServiceAccountNeedsPodCreation: a run that names the
// ServiceAccount its Pods run as is admitted only when its creator may
// create Pods (or Jobs) in the namespace, the right Kubernetes takes as
// the right to use its ServiceAccounts.
func TestNamingAServiceAccountNeedsPodCreation(t *testing.T) {
	ns := newNamespace(t)
	alice := newRestrictedUser(t, ns, "alice")
	run := func() *testutil.RunBuilder {
		return testutil.MakeForecastRun("sa-"+randSuffix(), ns).ServiceAccount("deployer")
	}
	wantRefused(t, "a ServiceAccount", alice.createRun(run()),
		"spec.podTemplate.spec.serviceAccountName: user alice may not run Pods as ServiceAccount deployer", "create Pods or Jobs")
	alice.grant(t, "create-pods", rule("", "pods", "create"))
	wantAdmitted(t, "a ServiceAccount, for someone who may create Pods", alice.createRun(run()))
}

// TestPriorityAboveNormalIsARight: High and Urgent runs are admitted only
// for people granted the verbs prioritize and preempt, on creation and
// when a run's priority is raised; before, anyone who could create runs
// could stop someone else's with an Urgent one.
func TestPriorityAboveNormalIsARight(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	alice := newRestrictedUser(t, ns, "alice")
	run := func(p v1alpha1.Priority) *testutil.RunBuilder {
		return testutil.MakeForecastRun("p-"+randSuffix(), ns).Priority(p)
	}
	wantAdmitted(t, "a Normal run", alice.createRun(run(v1alpha1.PriorityNormal)))
	wantRefused(t, "a High run", alice.createRun(run(v1alpha1.PriorityHigh)), "spec.priority: user alice may not give runs priority High", "verb prioritize")
	wantRefused(t, "an Urgent run", alice.createRun(run(v1alpha1.PriorityUrgent)), "priority Urgent", "verb preempt")

	// Raising a run's priority is checked; other changes to an Urgent run
	// (someone else's, which alice may cancel) are not.
	queued := run(v1alpha1.PriorityNormal).Obj()
	create(t, queued)
	wantRefused(t, "raising a run to Urgent", alice.c.Patch(ctx, queued, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"priority":"Urgent"}}`))), "priority Urgent")
	urgent := run(v1alpha1.PriorityUrgent).Obj()
	create(t, urgent)
	wantAdmitted(t, "cancelling an Urgent run", alice.c.Patch(ctx, urgent, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"cancel":true}}`))))
	wantAdmitted(t, "lowering a run to Normal", alice.c.Patch(ctx, urgent, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"priority":"Normal"}}`))))

	alice.bind(t, "ClusterRole", "forecastrun-priority-high", rule(v1alpha1.GroupVersion.Group, "forecastruns", "prioritize"))
	wantAdmitted(t, "a High run with prioritize", alice.createRun(run(v1alpha1.PriorityHigh)))
	wantRefused(t, "an Urgent run with prioritize", alice.createRun(run(v1alpha1.PriorityUrgent)), "verb preempt")
	alice.bind(t, "ClusterRole", "forecastrun-priority-urgent", rule(v1alpha1.GroupVersion.Group, "forecastruns", "preempt"))
	wantAdmitted(t, "an Urgent run with preempt", alice.createRun(run(v1alpha1.PriorityUrgent)))
}

// TestSchedulesAreCheckedLikeRuns: the operator creates a schedule's runs
// itself, so the rights are checked on the person who writes the
// schedule's run template, when it is created and when it is changed.
func TestSchedulesAreCheckedLikeRuns(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	alice := newRestrictedUser(t, ns, "alice")
	schedule := func(edit func(*v1alpha1.ForecastRunSpec)) *v1alpha1.ForecastSchedule {
		s := testutil.MakeForecastSchedule("s-"+randSuffix(), ns).Obj()
		edit(&s.Spec.RunTemplate.Spec)
		return s
	}
	wantRefused(t, "a schedule reading a ConfigMap alice may not read", alice.c.Create(ctx, schedule(func(s *v1alpha1.ForecastRunSpec) {
		s.Dataset = v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "payroll", Key: "salaries.csv"}}
	})), "spec.runTemplate.spec.dataset.configMap: user alice may not get ConfigMap payroll")
	wantRefused(t, "an Urgent schedule", alice.c.Create(ctx, schedule(func(s *v1alpha1.ForecastRunSpec) { s.Priority = v1alpha1.PriorityUrgent })),
		"spec.runTemplate.spec.priority")
	wantRefused(t, "a schedule naming a ServiceAccount", alice.c.Create(ctx, schedule(func(s *v1alpha1.ForecastRunSpec) {
		s.PodTemplate = &v1alpha1.RunnerPodTemplate{Spec: v1alpha1.RunnerPodSpec{ServiceAccountName: "deployer"}}
	})), "spec.runTemplate.spec.podTemplate.spec.serviceAccountName")
	plain := schedule(func(*v1alpha1.ForecastRunSpec) {})
	wantAdmitted(t, "a plain schedule", alice.c.Create(ctx, plain))
	wantRefused(t, "an edit that makes the schedule's runs High", alice.c.Patch(ctx, plain,
		client.RawPatch(types.MergePatchType, []byte(`{"spec":{"runTemplate":{"spec":{"priority":"High"}}}}`))), "priority High")
	wantRefused(t, "an edit that points the schedule's runs at an output claim", alice.c.Patch(ctx, plain,
		client.RawPatch(types.MergePatchType, []byte(`{"spec":{"runTemplate":{"spec":{"output":{"persistentVolumeClaim":{"claimName":"results"}}}}}}`))),
		"spec.runTemplate.spec.output.persistentVolumeClaim")
	wantAdmitted(t, "an edit of the cron expression", alice.c.Patch(ctx, plain,
		client.RawPatch(types.MergePatchType, []byte(`{"spec":{"schedule":"30 * * * *"}}`))))
}

var runCounter atomic.Int32

// randSuffix tells the objects of one test apart.
func randSuffix() string { return strconv.Itoa(int(runCounter.Add(1))) }
