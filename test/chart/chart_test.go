package chart

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// allValues sets every value away from its default.
const allValues = `
image: {repository: registry.example.com/fr, digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", pullPolicy: Always, pullSecrets: [{name: regcred}]}
runnerImage: registry.example.com/runner:v2
controllerManager:
  replicas: 2
  resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 1Gi}}
  nodeSelector: {pool: system}
  tolerations: [{key: dedicated, operator: Equal, value: system, effect: NoSchedule}]
  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}
  priorityClassName: system-cluster-critical
  podLabels: {team: planning}
  podAnnotations: {example.com/scrape: "true"}
  extraArgs: ["--zap-log-level=debug"]
manager:
  leaseDuration: 90s
  defaultStartupTimeout: 5m
  defaultProgressDeadline: 1h
  defaultTTLAfterFinished: 168h
  jobTTL: 2h
  datasetAllowedHosts: ["*.svc.cluster.local", "10.0.0.0/8"]
  workers: 8
metrics: {port: 9443, enableHTTP2: true, certSecret: metrics-tls}
prometheus: {enable: true}
crd: {keep: false}
argocd: {healthChecks: true}
`

func TestLintIsClean(t *testing.T) {
	for name, values := range map[string]string{"defaults": "{}", "every value set": allValues} {
		out, err := helm(t, "lint", "--strict", chartDir, "-f", valuesFile(t, values))
		if err != nil {
			t.Fatalf("%s: helm lint --strict: %v", name, err)
		}
		if strings.Contains(out, "[WARNING]") || strings.Contains(out, "[ERROR]") || !strings.Contains(out, "0 chart(s) failed") {
			t.Errorf("%s: helm lint:\n%s", name, out)
		}
	}
}

// The chart with its defaults, released as forecastrun in
// forecastrun-system, renders what `make deploy` installs: config/default's
// objects as kustomize builds them, with Helm's labels, the CRDs kept on
// uninstall, and the manager's flags spelled out at the manager's defaults.
func TestDefaultsRenderConfigDefault(t *testing.T) {
	cp, err := testutil.StartControlPlane(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	want, err := cp.RenderDefault()
	if err != nil {
		t.Fatal(err)
	}
	got := render(t, "forecastrun", "forecastrun-system", "{}")
	spelledOut := []string{"--lease-duration=", "--default-startup-timeout=", "--default-progress-deadline=", "--default-ttl-after-finished=", "--job-ttl=", "--workers=", "--metrics-secure=", "--enable-http2="}
	seen := map[string]bool{}
	for _, w := range want {
		kind, name := w.GetKind(), w.GetName()
		if kind == "Namespace" {
			continue // Helm's --create-namespace
		}
		g := find(got, kind, name)
		if g == nil {
			t.Errorf("the chart renders no %s %s", kind, name)
			continue
		}
		seen[kind+"/"+name] = true
		g = g.DeepCopy()
		dropHelmMetadata(g)
		if w.GetNamespace() != "" && g.GetNamespace() == "" {
			w.SetNamespace("") // kustomize puts a namespace on cluster-scoped kinds it does not know
		}
		if kind == "Deployment" {
			c := g.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
			if c["imagePullPolicy"] != "IfNotPresent" {
				t.Errorf("imagePullPolicy %v, want IfNotPresent", c["imagePullPolicy"])
			}
			delete(c, "imagePullPolicy")
			var kept []any
			for _, a := range c["args"].([]any) {
				if !slices.ContainsFunc(spelledOut, func(p string) bool { return strings.HasPrefix(a.(string), p) }) {
					kept = append(kept, a)
				}
			}
			if n := len(c["args"].([]any)) - len(kept); n != len(spelledOut) {
				t.Errorf("the chart spells out %d of the manager's flags, want %d: %v", n, len(spelledOut), c["args"])
			}
			c["args"] = kept
		}
		if diff := cmp.Diff(w.Object, g.Object); diff != "" {
			t.Errorf("%s %s differs from config/default (-kustomize +chart):\n%s", kind, name, diff)
		}
	}
	for _, g := range got {
		if !seen[g.GetKind()+"/"+g.GetName()] {
			t.Errorf("the chart renders %s %s by default, which config/default does not have", g.GetKind(), g.GetName())
		}
	}
}

// dropHelmMetadata takes away what the chart adds to every object.
func dropHelmMetadata(o *unstructured.Unstructured) {
	strip := func(labels map[string]string) map[string]string {
		for _, k := range []string{"helm.sh/chart", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by"} {
			delete(labels, k)
		}
		return labels
	}
	o.SetLabels(strip(o.GetLabels()))
	if len(o.GetLabels()) == 0 {
		unstructured.RemoveNestedField(o.Object, "metadata", "labels")
	}
	if a := o.GetAnnotations(); a["helm.sh/resource-policy"] == "keep" {
		delete(a, "helm.sh/resource-policy")
		o.SetAnnotations(a)
	}
	if o.GetKind() == "Deployment" {
		l, _, _ := unstructured.NestedStringMap(o.Object, "spec", "template", "metadata", "labels")
		_ = unstructured.SetNestedStringMap(o.Object, strip(l), "spec", "template", "metadata", "labels")
	}
}

func TestEveryValueReachesTheRender(t *testing.T) {
	objs := render(t, "ops", "ops-system", allValues)
	c := managerContainer(t, objs, "ops-forecastrun")
	const image = "registry.example.com/fr@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if c["image"] != image || c["imagePullPolicy"] != "Always" {
		t.Errorf("image %v, pull policy %v", c["image"], c["imagePullPolicy"])
	}
	wantArgs := []string{
		"--leader-elect", "--metrics-bind-address=:9443", "--health-probe-bind-address=:8081",
		"--runner-image=registry.example.com/runner:v2",
		"--lease-duration=90s", "--default-startup-timeout=5m", "--default-progress-deadline=1h",
		"--default-ttl-after-finished=168h", "--job-ttl=2h", "--dataset-allowed-hosts=*.svc.cluster.local,10.0.0.0/8",
		"--workers=8", "--metrics-secure=true", "--enable-http2=true",
		"--metrics-cert-dir=/tmp/k8s-metrics-server/metrics-certs", "--zap-log-level=debug",
	}
	if diff := cmp.Diff(wantArgs, args(c)); diff != "" {
		t.Errorf("manager args (-want +got):\n%s", diff)
	}
	d := find(objs, "Deployment", "ops-forecastrun-controller-manager")
	checks := map[string]any{
		"spec.replicas":                                           int64(2),
		"spec.template.spec.nodeSelector.pool":                    "system",
		"spec.template.spec.priorityClassName":                    "system-cluster-critical",
		"spec.template.metadata.labels.team":                      "planning",
		"spec.template.metadata.annotations.example\\.com/scrape": "true",
		"spec.template.spec.serviceAccountName":                   "ops-forecastrun-controller-manager",
		"spec.template.spec.volumes.0.secret.secretName":          "metrics-tls",
		"spec.template.spec.imagePullSecrets.0.name":              "regcred",
		"spec.template.spec.tolerations.0.key":                    "dedicated",
		"spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.0.key": "zone",
		"spec.template.spec.containers.0.resources.limits.memory":                                                                            "1Gi",
		"spec.template.spec.containers.0.volumeMounts.0.mountPath":                                                                           "/tmp/k8s-metrics-server/metrics-certs",
		"spec.template.spec.containers.0.ports.0.containerPort":                                                                              int64(9443),
	}
	for path, want := range checks {
		if got := lookup(d.Object, path); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Deployment %s = %v, want %v", path, got, want)
		}
	}
	sm := find(objs, "ServiceMonitor", "ops-forecastrun-controller-manager-metrics-monitor")
	if sm == nil || sm.GetNamespace() != "ops-system" {
		t.Errorf("no ServiceMonitor in ops-system: %v", sm)
	}
	for _, crd := range []string{"forecastruns.forecasting.dev", "forecastschedules.forecasting.dev"} {
		o := find(objs, "CustomResourceDefinition", crd)
		if o == nil || o.GetAnnotations()["helm.sh/resource-policy"] != "" {
			t.Errorf("CRD %s with crd.keep false: %v", crd, o)
		}
	}
	// The manager-leases policy recognises the chart's ServiceAccount.
	vap := find(objs, "ValidatingAdmissionPolicy", "ops-forecastrun-manager-leases")
	expr := lookup(vap.Object, "spec.matchConditions.0.expression").(string)
	if want := "'system:serviceaccount:' + 'ops-system' + ':' + 'ops-forecastrun-controller-manager'"; !strings.Contains(expr, want) {
		t.Errorf("manager-leases matches %s, want it to name %s", expr, want)
	}
	// Argo CD's keys, exactly as config/argocd has them.
	cm := find(objs, "ConfigMap", "ops-forecastrun-argocd-health-checks")
	if cm == nil {
		t.Fatal("no ConfigMap ops-forecastrun-argocd-health-checks with argocd.healthChecks")
	}
	data, _, _ := unstructured.NestedStringMap(cm.Object, "data")
	for _, kind := range []string{"ForecastRun", "ForecastSchedule"} {
		lua, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "config", "argocd", "forecasting.dev", kind, "health.lua"))
		if err != nil {
			t.Fatal(err)
		}
		if got := data["resource.customizations.health.forecasting.dev_"+kind]; got != string(lua) {
			t.Errorf("the %s health check differs from config/argocd:\n%s", kind, got)
		}
	}
}

func TestOptionsLeaveObjectsOut(t *testing.T) {
	objs := render(t, "forecastrun", "forecastrun-system", "{metrics: {enable: false}, crd: {enable: false}, admissionPolicies: {enable: false}, controllerManager: {leaderElection: false}}")
	for _, o := range objs {
		switch k := o.GetKind(); {
		case k == "CustomResourceDefinition", k == "Service", strings.HasPrefix(k, "ValidatingAdmissionPolicy"), strings.Contains(o.GetName(), "metrics"):
			t.Errorf("%s %s rendered although it was turned off", k, o.GetName())
		}
	}
	got := args(managerContainer(t, objs, "forecastrun"))
	if slices.Contains(got, "--leader-elect") || !slices.Contains(got, "--metrics-bind-address=0") {
		t.Errorf("manager args %v, want no --leader-elect and --metrics-bind-address=0", got)
	}
}

func TestBadValuesAreRefused(t *testing.T) {
	for _, tc := range []struct{ release, values, want string }{
		{"forecastrun", "{manager: {leaseDuration: 60}}", `manager.leaseDuration: "60" is not a duration`},
		{"forecastrun", "{manager: {jobTTL: 1d}}", `manager.jobTTL: "1d" is not a duration`},
		{"forecastrun", `{image: {digest: "sha256:abc"}}`, `image.digest "sha256:abc" is not sha256: followed by 64 hex digits`},
		{"forecastrun", "{controllerManager: {replicas: 3, leaderElection: false}}", "controllerManager.replicas > 1 needs controllerManager.leaderElection"},
		{"a-release-name-far-too-long-for-it", "{}", "at most 28 fit"},
	} {
		_, err := helm(t, "template", tc.release, chartDir, "-f", valuesFile(t, tc.values))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("values %s: got %v, want an error containing %q", tc.values, err, tc.want)
		}
	}
}

// lookup reads a dotted path; numbers index lists, `\.` escapes a dot.
func lookup(obj map[string]any, path string) any {
	path = strings.ReplaceAll(path, `\.`, "\x00")
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		part = strings.ReplaceAll(part, "\x00", ".")
		switch v := cur.(type) {
		case map[string]any:
			cur = v[part]
		case []any:
			i := 0
			for _, ch := range part {
				i = i*10 + int(ch-'0')
			}
			if i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// A render with every value set, released under another name into another
// namespace, is accepted by the API server as it is: schemas, the admission
// policies' CEL, RBAC references. The ServiceMonitor is left out: the
// control plane has no Prometheus Operator CRDs.
func TestRenderPassesServerSideDryRun(t *testing.T) {
	dir := t.TempDir()
	cp, err := testutil.StartControlPlane(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	out, err := helm(t, "template", "ops", chartDir, "--namespace", "ops-system", "-f", valuesFile(t, allValues+"\nprometheus: {enable: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	kubectl := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(cp.Kubectl, append([]string{"--kubeconfig", cp.Kubeconfig}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	kubectl("", "create", "namespace", "ops-system")
	applied := kubectl(out, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-")
	objs := decode(t, out)
	for _, o := range objs {
		if !strings.Contains(applied, "/"+o.GetName()+" serverside-applied (server dry run)") {
			t.Errorf("the dry run did not apply %s %s:\n%s", o.GetKind(), o.GetName(), applied)
		}
	}
	if len(objs) < 20 {
		t.Errorf("only %d objects rendered", len(objs))
	}
}
