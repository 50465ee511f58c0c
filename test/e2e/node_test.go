//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// A run's Pod is a container of the image the suite pushed, pulled by the
// kubelet from the local registry onto the node, and runs as the image's
// nonroot user under the restricted profile; `kubectl get pods -o wide`
// shows the node and the digest that was pulled.
func TestRunnerRunsAsContainerOfPushedImage(t *testing.T) {
	ns := namespace(t)
	run := newRun("container")
	apply(t, ns, run)
	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, smallRun)

	wide := kubectl(t, "get", "pods", "-n", ns, "-l", "job-name="+done.Status.JobName, "-o", "wide")
	t.Logf("kubectl get pods -o wide:\n%s", wide)
	if !strings.Contains(wide, "local-node") {
		t.Errorf("the runner Pod did not run on the node local-node:\n%s", wide)
	}
	_, wantDigest, _ := strings.Cut(env.runnerImage, "@")
	ps := pods(t, ns, done.Status.JobName)
	if len(ps) == 0 {
		t.Fatalf("job %s has no Pods", done.Status.JobName)
	}
	p := ps[0]
	if len(p.Status.ContainerStatuses) == 0 {
		t.Fatalf("pod %s has no container status", p.Name)
	}
	cs := p.Status.ContainerStatuses[0]
	if !strings.HasPrefix(cs.ImageID, env.registry+"/") || !strings.HasSuffix(cs.ImageID, "@"+wantDigest) {
		t.Errorf("pod %s ran image %s, want %s@%s pulled from the local registry", p.Name, cs.ImageID, env.registry, wantDigest)
	}
	if !strings.HasPrefix(cs.ContainerID, "containerd://") {
		t.Errorf("pod %s container ID %q, want a containerd container", p.Name, cs.ContainerID)
	}
	if term := cs.State.Terminated; term == nil || term.ExitCode != 0 || term.Reason != "Completed" {
		t.Errorf("pod %s container ended %+v, want exit 0 Completed", p.Name, cs.State.Terminated)
	}
	checkRestrictedPod(t, &p)
}

// checkRestrictedPod: what Pod Security's restricted profile needs, as the
// API server admitted it.
func checkRestrictedPod(t *testing.T, p *corev1.Pod) {
	t.Helper()
	sc, c := p.Spec.SecurityContext, p.Spec.Containers[0].SecurityContext
	if sc == nil || c == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || c.ReadOnlyRootFilesystem == nil || !*c.ReadOnlyRootFilesystem ||
		c.AllowPrivilegeEscalation == nil || *c.AllowPrivilegeEscalation || c.Capabilities == nil || len(c.Capabilities.Drop) == 0 {
		t.Errorf("pod %s security context %+v / %+v is not restricted", p.Name, sc, c)
	}
}

// Pod Security is enforced in the suite's namespaces: the runner Pods are
// admitted (every scenario shows it), and a Pod that breaks the restricted
// profile is refused by the API server with the profile's message.
func TestRestrictedProfileRefusesPrivilegedPod(t *testing.T) {
	ns := namespace(t)
	pod := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: privileged, namespace: %s}
spec:
  containers:
  - name: c
    image: %s
    command: [runner, --help]
    securityContext: {privileged: true}
`, ns, env.image)
	out, err := env.runInput(pod, "apply", "-f", "-")
	if err == nil {
		t.Fatalf("a privileged Pod was admitted into a restricted namespace:\n%s", out)
	}
	for _, want := range []string{`violates PodSecurity "restricted:latest"`, "privileged"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q lacks %q", err, want)
		}
	}
}

// A dataset served over HTTP by a Pod behind a Service is fetched by the
// runner through cluster DNS and the Service's address (kube-proxy), and
// the run forecasts every item of it.
func TestDatasetURLThroughClusterDNS(t *testing.T) {
	ns := namespace(t)
	server := pushFileServer(t)
	file := filepath.Join(t.TempDir(), "sales.csv")
	if err := os.WriteFile(file, []byte(smallCSV(6, 120)), 0o644); err != nil {
		t.Fatal(err)
	}
	kubectl(t, "create", "configmap", "sales", "-n", ns, "--from-file=sales.csv="+file)
	manifest := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: dataset, namespace: %[1]s, labels: {app: dataset}}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: fileserver
    image: %[2]s
    args: [-dir, /data, -listen, ":8080"]
    ports: [{containerPort: 8080}]
    readinessProbe: {httpGet: {path: /sales.csv, port: 8080}, periodSeconds: 1}
    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, configMap: {name: sales}}]
---
apiVersion: v1
kind: Service
metadata: {name: dataset, namespace: %[1]s}
spec:
  selector: {app: dataset}
  ports: [{port: 80, targetPort: 8080}]
`, ns, server)
	if _, err := env.runInput(manifest, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	kubectl(t, "wait", "--for=condition=Ready", "pod/dataset", "-n", ns, "--timeout=120s")

	run := newRun("from-url", func(r *v1alpha1.ForecastRun) {
		r.Spec.Mode = v1alpha1.ModeFull
		r.Spec.Dataset = v1alpha1.Dataset{URL: "http://dataset." + ns + ".svc.cluster.local/sales.csv", Frequency: "daily"}
	})
	apply(t, ns, run)
	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, smallRun)
	if r := done.Status.Result; r == nil || r.ItemsForecast != 6 {
		t.Errorf("status.result %+v, want the 6 items of the served file", done.Status.Result)
	}
	if logs := kubectl(t, "logs", "dataset", "-n", ns); !strings.Contains(logs, "GET /sales.csv") {
		t.Errorf("the file server saw no GET /sales.csv; its log:\n%s", logs)
	}

	// The same file by the Service's address: a private address that the
	// manager's --dataset-allowed-hosts (*.svc.cluster.local) does not
	// list, so the runner refuses to connect and the run fails at once.
	ip := kubectl(t, "get", "service", "dataset", "-n", ns, "-o", "jsonpath={.spec.clusterIP}")
	byAddress := newRun("from-private-address", func(r *v1alpha1.ForecastRun) {
		r.Spec.Dataset = v1alpha1.Dataset{URL: "http://" + ip + "/sales.csv", Frequency: "daily"}
	})
	apply(t, ns, byAddress)
	assertFailedWith(t, ns, byAddress.Name, "", smallRun, "address not allowed", ip+" is a private address")
}

// smallCSV is a daily dataset of items items, periods days each.
func smallCSV(items, periods int) string {
	var b strings.Builder
	b.WriteString("item_id,date,quantity\n")
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range items {
		for d := range periods {
			fmt.Fprintf(&b, "item-%d,%s,%d\n", i, start.AddDate(0, 0, d).Format("2006-01-02"), 5+(d*(i+3))%11)
		}
	}
	return b.String()
}

// pushFileServer builds the test file server's image, pushes it to the
// local registry and returns its reference with the digest.
func pushFileServer(t *testing.T) string {
	t.Helper()
	out, err := env.script("hack/image.sh", "--kind", "fileserver", "--push", env.registry+"/forecastrun-e2e/fileserver:1")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out)
}
