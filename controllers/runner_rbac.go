package controllers

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// runnerRBAC is the runner's own identity: a ServiceAccount and a Role
// bound to it that may read this one run, patch its status and read the
// dataset ConfigMap, each by name. All three are owned by the run, so they
// go when it goes.
func runnerRBAC(run *v1alpha1.ForecastRun) []client.Object {
	name := runnerName(run)
	sa := &corev1.ServiceAccount{ObjectMeta: childMeta(run, name), AutomountServiceAccountToken: ptr.To(true)}
	role := &rbacv1.Role{ObjectMeta: childMeta(run, name), Rules: runnerRules(run)}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: childMeta(run, name),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: run.Namespace}},
	}
	return []client.Object{sa, role, binding}
}

func runnerRules(run *v1alpha1.ForecastRun) []rbacv1.PolicyRule {
	group := v1alpha1.GroupVersion.Group
	rules := []rbacv1.PolicyRule{
		{APIGroups: []string{group}, Resources: []string{"forecastruns"}, ResourceNames: []string{run.Name}, Verbs: []string{"get"}},
		{APIGroups: []string{group}, Resources: []string{"forecastruns/status"}, ResourceNames: []string{run.Name}, Verbs: []string{"get", "patch"}},
	}
	if cm := run.Spec.Dataset.ConfigMap; cm != nil {
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{cm.Name}, Verbs: []string{"get"}})
	}
	return rules
}
