package controllers

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// runnerRBAC is the runner's identity: a Role that may read this one run,
// patch its status and read the dataset ConfigMap, each by name, bound to
// the ServiceAccount the runner Pods use. That is a ServiceAccount the
// controller creates for the run, unless the run names one of its own in
// spec.podTemplate.spec.serviceAccountName (whose use its creator's right
// to create Pods admitted). Everything created here is owned by the run,
// so it goes when the run goes.
//
// The status patch is what the runner needs to report its shards and its
// result; an admission policy (config/admission/runner_status.yaml) keeps
// it from changing anything else in the status.
func runnerRBAC(run *v1alpha1.ForecastRun) []client.Object {
	name := runnerName(run)
	role := &rbacv1.Role{ObjectMeta: childMeta(run, name), Rules: runnerRules(run)}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: childMeta(run, name),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: runnerServiceAccount(run), Namespace: run.Namespace}},
	}
	if namedServiceAccount(run) != "" {
		return []client.Object{role, binding}
	}
	sa := &corev1.ServiceAccount{ObjectMeta: childMeta(run, name), AutomountServiceAccountToken: ptr.To(true)}
	return []client.Object{sa, role, binding}
}

// namedServiceAccount is the ServiceAccount the run names for its runner
// Pods; "" when it names none.
func namedServiceAccount(run *v1alpha1.ForecastRun) string {
	if t := run.Spec.PodTemplate; t != nil {
		return t.Spec.ServiceAccountName
	}
	return ""
}

// runnerServiceAccount is the ServiceAccount the runner Pods run as.
func runnerServiceAccount(run *v1alpha1.ForecastRun) string {
	if sa := namedServiceAccount(run); sa != "" {
		return sa
	}
	return runnerName(run)
}

func runnerRules(run *v1alpha1.ForecastRun) []rbacv1.PolicyRule {
	group := v1alpha1.GroupVersion.Group
	rules := []rbacv1.PolicyRule{
		{APIGroups: []string{group}, Resources: []string{"forecastruns"}, ResourceNames: []string{run.Name}, Verbs: []string{"get"}},
		{APIGroups: []string{group}, Resources: []string{"forecastruns/status"}, ResourceNames: []string{run.Name}, Verbs: []string{"patch"}},
	}
	if cm := run.Spec.Dataset.ConfigMap; cm != nil {
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{cm.Name}, Verbs: []string{"get"}})
	}
	return rules
}
