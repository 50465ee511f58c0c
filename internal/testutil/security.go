package testutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// ManagerServiceAccount is the user name the manager's ServiceAccount has
// in a default install (config/default), which the admission policies and
// the ClusterRoleBindings installed by InstallClusterConfig name.
const ManagerServiceAccount = "system:serviceaccount:forecastrun-system:forecastrun-controller-manager"

// clusterKinds are the kinds of config/default that InstallClusterConfig
// installs: the cluster-wide RBAC and the admission policies.
var clusterKinds = map[string]bool{
	"ClusterRole": true, "ClusterRoleBinding": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
}

// RenderDefault renders config/default with the pinned kubectl's kustomize,
// as `make deploy` installs it.
func (cp *ControlPlane) RenderDefault() ([]*unstructured.Unstructured, error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command(cp.Kubectl, "kustomize", filepath.Join(RepoRoot(), "config", "default"))
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("rendering config/default: %w: %s", err, errOut.String())
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(&out, 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		err := dec.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the rendered config/default: %w", err)
		}
		if len(obj.Object) > 0 {
			objs = append(objs, obj)
		}
	}
}

// InstallClusterConfig installs the cluster-wide part of config/default in
// the control plane: the manager's and the users' ClusterRoles and their
// bindings, and the admission policies. It returns once the policies are
// enforced, which the API server does a moment after they are created.
func (cp *ControlPlane) InstallClusterConfig(ctx context.Context, c client.Client) error {
	objs, err := cp.RenderDefault()
	if err != nil {
		return err
	}
	for _, obj := range objs {
		if !clusterKinds[obj.GetKind()] {
			continue
		}
		obj.SetNamespace("") // kustomize puts its namespace on every object
		if err := c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return cp.waitForPolicies(ctx, c)
}

// waitForPolicies waits until a user without the verb preempt is refused an
// Urgent run, which shows the admission policies are in force.
func (cp *ControlPlane) waitForPolicies(ctx context.Context, c client.Client) error {
	const ns, user = "forecastrun-policy-probe", "policy-probe"
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	if err := c.Create(ctx, EditorBinding(ns, "probe", rbacv1.Subject{Kind: rbacv1.UserKind, Name: user})); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	probe, err := cp.ClientAs(user)
	if err != nil {
		return err
	}
	run := MakeForecastRun("probe", ns).Priority(v1alpha1.PriorityUrgent).Obj()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := probe.Create(ctx, run.DeepCopy(), client.DryRunAll)
		if apierrors.IsForbidden(err) && strings.Contains(err.Error(), "preempt") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the admission policies are not in force after 30s: an Urgent run by %s got %v", user, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// EditorBinding binds subject to the forecastrun-editor ClusterRole in ns:
// the rights config/rbac gives anyone who may edit the namespace.
func EditorBinding(ns, name string, subject rbacv1.Subject) *rbacv1.RoleBinding {
	return RoleBinding(ns, name, "ClusterRole", "forecastrun-editor", subject)
}

// RoleBinding binds subject to the Role or ClusterRole roleName in ns.
func RoleBinding(ns, name, roleKind, roleName string, subject rbacv1.Subject) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: roleKind, Name: roleName},
		Subjects:   []rbacv1.Subject{subject},
	}
}

// ClientAs is a client that acts as user (with groups) through
// impersonation: the API server authorises and admits its requests as that
// user's.
func (cp *ControlPlane) ClientAs(user string, groups ...string) (client.Client, error) {
	c, err := client.New(cp.ConfigAs(user, groups...), client.Options{Scheme: Scheme()})
	if err != nil {
		return nil, fmt.Errorf("creating a client for %s: %w", user, err)
	}
	return c, nil
}

// ConfigAs is a rest.Config that acts as user through impersonation.
func (cp *ControlPlane) ConfigAs(user string, groups ...string) *rest.Config {
	cfg := rest.CopyConfig(cp.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: groups}
	return cfg
}

// KubeconfigAs writes a copy of the kubeconfig at path whose users act as
// user through impersonation (kubeconfig's "as"), for a program under test
// that reads a kubeconfig, such as the kubectl plugin: the API server then
// authorises its requests as that user's. It returns the copy's path.
func KubeconfigAs(t *testing.T, path, user string) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatalf("reading the kubeconfig %s: %v", path, err)
	}
	for _, auth := range cfg.AuthInfos {
		auth.Impersonate = user
	}
	out := filepath.Join(t.TempDir(), "as-"+user+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, out); err != nil {
		t.Fatalf("writing the kubeconfig for %s: %v", user, err)
	}
	return out
}
