package v1alpha1_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

var (
	cp        *testutil.ControlPlane
	k8sClient client.Client
)

func TestMain(m *testing.M) {
	os.Exit(testutil.RunSuite(m, func(c *testutil.ControlPlane, kc client.Client) { cp, k8sClient = c, kc }))
}

// kubectl runs the pinned kubectl against the test server.
func kubectl(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(cp.Kubectl, append([]string{"--kubeconfig", cp.Kubeconfig}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func TestDefaultsAreAppliedByTheAPIServer(t *testing.T) {
	ctx := context.Background()
	run := &v1alpha1.ForecastRun{
		ObjectMeta: metav1.ObjectMeta{Name: "defaults", Namespace: "default"},
		Spec: v1alpha1.ForecastRunSpec{
			Dataset: v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{}},
		},
	}
	if err := k8sClient.Create(ctx, run); err != nil {
		t.Fatalf("create: %v", err)
	}
	var got v1alpha1.ForecastRun
	if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(run), &got); err != nil {
		t.Fatalf("get: %v", err)
	}
	want := v1alpha1.ForecastRunSpec{
		Mode: v1alpha1.ModeQuickTest,
		Dataset: v1alpha1.Dataset{
			Synthetic: &v1alpha1.SyntheticSource{Items: 3707, Periods: 730, Seed: 42},
			Columns:   v1alpha1.Columns{Item: "item_id", Time: "date", Value: "quantity"},
			Frequency: "daily",
			Missing:   "zero",
		},
		Metric:      "RMSSE",
		Backtest:    v1alpha1.Backtest{Windows: 3},
		Intervals:   v1alpha1.Intervals{Levels: []int32{80, 95}},
		Sampling:    v1alpha1.Sampling{Seed: 1},
		Priority:    v1alpha1.PriorityNormal,
		WhenBusy:    v1alpha1.BusyQueue,
		LockName:    "forecast-pipeline",
		Parallelism: 1,
	}
	if diff := cmp.Diff(want, got.Spec); diff != "" {
		t.Errorf("defaulted spec mismatch (-want +got):\n%s", diff)
	}
}

// validRun is the smallest valid ForecastRun as a user would write it; the
// invalid cases below each change one thing.
const validRun = `apiVersion: forecasting.dev/v1alpha1
kind: ForecastRun
metadata:
  name: %s
  namespace: default
spec:
%s`

func TestInvalidSpecsAreRefusedWithReadableMessages(t *testing.T) {
	cases := []struct {
		name string
		spec string
		want string
	}{
		{"two dataset sources", `  dataset:
    url: https://example.com/sales.csv
    configMap: {name: sales, key: data.csv}`, "dataset must set exactly one source: configMap, persistentVolumeClaim, url, objectStore or synthetic"},
		{"no dataset source", `  dataset:
    frequency: daily`, "dataset must set exactly one source"},
		{"no dataset at all", `  mode: Full`, `spec.dataset: Required value`},
		{"horizon 0", `  horizon: 0
  dataset: {synthetic: {}}`, "spec.horizon: Invalid value: 0: spec.horizon in body should be greater than or equal to 1"},
		{"horizon too large", `  horizon: 1001
  dataset: {synthetic: {}}`, "should be less than or equal to 1000"},
		{"unknown mode", `  mode: Fast
  dataset: {synthetic: {}}`, `spec.mode: Unsupported value: "Fast": supported values: "QuickTest", "Sample", "Standard", "Full"`},
		{"negative itemLimit", `  itemLimit: -1
  dataset: {synthetic: {}}`, "spec.itemLimit: Invalid value: -1: spec.itemLimit in body should be greater than or equal to 1"},
		{"zero backtest windows", `  backtest: {windows: 0}
  dataset: {synthetic: {}}`, "spec.backtest.windows: Invalid value: 0: spec.backtest.windows in body should be greater than or equal to 1"},
		{"too many backtest windows", `  backtest: {windows: 21}
  dataset: {synthetic: {}}`, "should be less than or equal to 20"},
		{"unknown model", `  models: [Prophet]
  dataset: {synthetic: {}}`, `Unsupported value: "Prophet"`},
		{"unknown metric", `  metric: MAPE
  dataset: {synthetic: {}}`, `spec.metric: Unsupported value: "MAPE"`},
		{"url without scheme", `  dataset: {url: "example.com/sales.csv"}`, "url must start with http:// or https://"},
		{"negative timeout", `  timeout: "-5m"
  dataset: {synthetic: {}}`, "timeout must be a positive duration"},
		{"zero startup timeout", `  startupTimeout: "0s"
  dataset: {synthetic: {}}`, "startupTimeout must be a positive duration"},
		{"negative progress deadline", `  progressDeadline: "-1m"
  dataset: {synthetic: {}}`, "progressDeadline must be a positive duration"},
		{"negative ttl", `  ttlSecondsAfterFinished: -1
  dataset: {synthetic: {}}`, "spec.ttlSecondsAfterFinished: Invalid value: -1"},
		{"interval level 100", `  intervals: {levels: [80, 100]}
  dataset: {synthetic: {}}`, "should be less than or equal to 99"},
		{"quantile 100", `  intervals: {quantiles: [95, 100]}
  dataset: {synthetic: {}}`, "should be less than or equal to 99"},
		{"unknown meaning of absent periods", `  dataset: {synthetic: {}, missing: ffill}`, `spec.dataset.missing: Unsupported value: "ffill": supported values: "zero", "interpolate", "unknown"`},
		{"path escaping the volume", `  dataset: {persistentVolumeClaim: {claimName: data, path: "../etc/passwd"}}`, "path must be relative to the volume root and must not contain '..'"},
		{"object store endpoint without a scheme", `  dataset: {objectStore: {endpoint: "s3.example.com", bucket: sales, key: a.csv, credentialsSecret: {name: s3}}}`,
			"endpoint must start with https:// (or http:// for a server without TLS)"},
		{"object store endpoint with the bucket in its path", `  dataset: {objectStore: {endpoint: "https://s3.example.com/sales", bucket: sales, key: a.csv, credentialsSecret: {name: s3}}}`,
			"endpoint must be a scheme, a host and an optional port"},
		{"object store bucket name with capitals", `  dataset: {objectStore: {endpoint: "https://s3.example.com", bucket: Sales_2026, key: a.csv, credentialsSecret: {name: s3}}}`,
			"bucket must be an S3 bucket name"},
		{"object store key with a leading slash", `  dataset: {objectStore: {endpoint: "https://s3.example.com", bucket: sales, key: /a.csv, credentialsSecret: {name: s3}}}`,
			"key is the object's path inside the bucket and must not start with /"},
		{"object store without credentials", `  dataset: {objectStore: {endpoint: "https://s3.example.com", bucket: sales, key: a.csv}}`,
			"spec.dataset.objectStore.credentialsSecret: Required value"},
		{"output prefix climbing out", `  dataset: {synthetic: {}}
  output: {objectStore: {endpoint: "https://s3.example.com", bucket: results, prefix: "runs/../other", credentialsSecret: {name: s3}}}`,
			"prefix must be relative to the bucket"},
		{"output to a claim and a bucket", `  dataset: {synthetic: {}}
  output: {persistentVolumeClaim: {claimName: results}, objectStore: {endpoint: "https://s3.example.com", bucket: results, credentialsSecret: {name: s3}}}`,
			"output must set exactly one of persistentVolumeClaim and objectStore"},
		{"shards without an output volume", `  parallelism: 3
  dataset: {synthetic: {}}`, "parallelism above 1 needs spec.output"},
		{"bad lock name", `  lockName: "Not_A_Name"
  dataset: {synthetic: {}}`, "spec.lockName: Invalid value"},
		{"a label the controller sets", `  podTemplate: {metadata: {labels: {forecasting.dev/run: other}}}
  dataset: {synthetic: {}}`, "labels may not use the keys the controller sets"},
		{"the Job controller's label", `  podTemplate: {metadata: {labels: {batch.kubernetes.io/job-name: x}}}
  dataset: {synthetic: {}}`, "labels may not use the keys the controller sets"},
		{"a label value too long", `  podTemplate: {metadata: {labels: {team: ` + strings.Repeat("x", 64) + `}}}
  dataset: {synthetic: {}}`, "label values at most 63 characters"},
		{"root", `  podTemplate: {spec: {securityContext: {runAsUser: 0}}}
  dataset: {synthetic: {}}`, "spec.podTemplate.spec.securityContext.runAsUser: Invalid value: 0"},
		{"a ServiceAccount name that is not a DNS subdomain", `  podTemplate: {spec: {serviceAccountName: Team_Runner}}
  dataset: {synthetic: {}}`, "spec.podTemplate.spec.serviceAccountName: Invalid value"},
		{"a notify target without its Secret", `  notify: [{name: team}]
  dataset: {synthetic: {}}`, "spec.notify[0].urlSecretRef: Required value"},
		{"an unknown notify format", `  notify: [{name: team, urlSecretRef: {name: hooks, key: slack}, format: Teams}]
  dataset: {synthetic: {}}`, `spec.notify[0].format: Unsupported value: "Teams": supported values: "JSON", "Slack", "CloudEvents"`},
		{"an unknown notify phase", `  notify: [{name: team, urlSecretRef: {name: hooks, key: slack}, phases: [Done]}]
  dataset: {synthetic: {}}`, `spec.notify[0].phases[0]: Unsupported value: "Done": supported values: "Running", "Succeeded", "Failed", "Cancelled", "Rejected", "Preempted"`},
		{"two notify targets with one name", `  notify: [{name: team, urlSecretRef: {name: hooks, key: a}}, {name: team, urlSecretRef: {name: hooks, key: b}}]
  dataset: {synthetic: {}}`, `spec.notify[1]: Duplicate value: {"name":"team"}`},
		{"too many tolerations", `  podTemplate: {spec: {tolerations: [` + strings.Repeat(`{operator: Exists},`, 33) + `]}}
  dataset: {synthetic: {}}`, "spec.podTemplate.spec.tolerations: Too many: 33: must have at most 32 items"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			manifest := fmt.Sprintf(validRun, fmt.Sprintf("invalid-%d", i), tc.spec)
			out, err := kubectl(t, manifest, "apply", "-f", "-")
			if err == nil {
				t.Fatalf("kubectl apply accepted an invalid run:\n%s", manifest)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("kubectl apply said:\n%s\nwant it to contain %q", out, tc.want)
			}
		})
	}
}

// TestObjectStoreDefaultsToTheAWSKeyNames: a credentials Secret made by
// AWS tools or a bucket provisioner works without naming its keys, and a
// sharded run may write to a bucket instead of a shared claim.
func TestObjectStoreDefaultsToTheAWSKeyNames(t *testing.T) {
	manifest := fmt.Sprintf(validRun, "s3-defaults", `  parallelism: 2
  dataset: {objectStore: {endpoint: "http://10.201.0.1:9000", region: eu-west-1, bucket: sales.data, key: "2026/sales.csv", credentialsSecret: {name: s3}}}
  output: {objectStore: {endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: results, prefix: forecasts, credentialsSecret: {name: s3-results}}}
`)
	if out, err := kubectl(t, manifest, "apply", "-f", "-"); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	var got v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Namespace: "default", Name: "s3-defaults"}, &got); err != nil {
		t.Fatal(err)
	}
	want := v1alpha1.ObjectStoreCredentials{Name: "s3", AccessKeyIDKey: "AWS_ACCESS_KEY_ID", SecretAccessKeyKey: "AWS_SECRET_ACCESS_KEY"}
	if diff := cmp.Diff(want, got.Spec.Dataset.ObjectStore.CredentialsSecret); diff != "" {
		t.Errorf("dataset credentials (-want +got):\n%s", diff)
	}
	if got.Spec.Output.ObjectStore.CredentialsSecret.AccessKeyIDKey != v1alpha1.DefaultAccessKeyIDKey {
		t.Errorf("output credentials: %+v, want the default key names", got.Spec.Output.ObjectStore.CredentialsSecret)
	}
}

func TestSpecIsImmutableExceptCancelAndPriority(t *testing.T) {
	ctx := context.Background()
	run := testutil.MakeForecastRun("immutable", "default").Obj()
	if err := k8sClient.Create(ctx, run); err != nil {
		t.Fatalf("create: %v", err)
	}
	cases := []struct {
		name  string
		patch string
		want  string // empty: the patch must be accepted
	}{
		{"priority may change", `{"spec":{"priority":"Urgent"}}`, ""},
		{"mode", `{"spec":{"mode":"Full"}}`, "spec.mode: Invalid value: mode is immutable after creation; create a new ForecastRun instead"},
		{"horizon added", `{"spec":{"horizon":7}}`, "fields cannot be added or removed"},
		{"dataset", `{"spec":{"dataset":{"synthetic":{"items":51}}}}`, "spec.dataset: Invalid value: dataset is immutable after creation"},
		{"backtest windows", `{"spec":{"backtest":{"windows":5}}}`, "backtest is immutable after creation"},
		{"lock name", `{"spec":{"lockName":"other"}}`, "spec.lockName: Invalid value: lockName is immutable after creation"},
		{"ttlSecondsAfterFinished may be added", `{"spec":{"ttlSecondsAfterFinished":3600}}`, ""},
		{"and changed", `{"spec":{"ttlSecondsAfterFinished":60}}`, ""},
		{"startupTimeout added", `{"spec":{"startupTimeout":"5m"}}`, "fields cannot be added or removed"},
		{"podTemplate added", `{"spec":{"podTemplate":{"spec":{"nodeSelector":{"pool":"batch"}}}}}`, "fields cannot be added or removed"},
		{"cancel may be set", `{"spec":{"cancel":true}}`, ""},
		{"cancel cannot be undone", `{"spec":{"cancel":false}}`, "spec.cancel: Invalid value: cancel cannot be undone"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := kubectl(t, "", "patch", "forecastrun", "immutable", "-n", "default", "--type", "merge", "-p", tc.patch)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("patch %s refused: %s", tc.patch, out)
			case tc.want != "" && err == nil:
				t.Fatalf("patch %s accepted, want refusal %q", tc.patch, tc.want)
			case tc.want != "" && !strings.Contains(out, tc.want):
				t.Errorf("patch %s said:\n%s\nwant it to contain %q", tc.patch, out, tc.want)
			}
		})
	}
}

func TestKubectlGetShowsTheRunColumns(t *testing.T) {
	ctx := context.Background()
	run := testutil.MakeForecastRun("columns", "default").Mode(v1alpha1.ModeFull).Priority(v1alpha1.PriorityHigh).Obj()
	if err := k8sClient.Create(ctx, run); err != nil {
		t.Fatalf("create: %v", err)
	}
	run.Status = v1alpha1.ForecastRunStatus{
		Phase:                   v1alpha1.PhaseQueued,
		EstimatedCompletionTime: &metav1.Time{Time: time.Date(2026, 11, 27, 10, 2, 10, 0, time.UTC)},
		Message:                 "waiting for lock forecast-pipeline held by nightly (42%)",
		QueuePosition:           ptr.To[int32](2),
		Progress:                &v1alpha1.Progress{},
	}
	run.Status.Progress.SetCounts(420, 3707, metav1.Now())
	if err := k8sClient.Status().Update(ctx, run); err != nil {
		t.Fatalf("status update: %v", err)
	}

	out, err := kubectl(t, "", "get", "forecastruns", "columns", "-n", "default")
	if err != nil {
		t.Fatalf("kubectl get: %v\n%s", err, out)
	}
	assertTable(t, out, []string{"NAME", "MODE", "PRIORITY", "PHASE", "PROGRESS", "ITEMS", "ETA", "AGE"},
		[]string{"columns", "Full", "High", "Queued", "11%", "420/3707", "2026-11-27T10:02:10Z"})

	out, err = kubectl(t, "", "get", "fr", "columns", "-n", "default", "-o", "wide")
	if err != nil {
		t.Fatalf("kubectl get -o wide: %v\n%s", err, out)
	}
	assertTable(t, out, []string{"NAME", "MODE", "PRIORITY", "PHASE", "PROGRESS", "ITEMS", "ETA", "AGE", "MESSAGE", "QUEUE"},
		[]string{"columns", "Full", "High", "Queued", "11%", "420/3707", "2026-11-27T10:02:10Z", "waiting for lock forecast-pipeline held by nightly (42%)", "2"})
}

// assertTable checks kubectl's header and that the single row holds want in
// order (AGE is skipped: it changes).
func assertTable(t *testing.T, out string, header, want []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a header and one row, got:\n%s", out)
	}
	if got := strings.Fields(lines[0]); !cmp.Equal(got, header) {
		t.Errorf("header = %q, want %q", got, header)
	}
	row := lines[1]
	for _, cell := range want {
		i := strings.Index(row, cell)
		if i < 0 {
			t.Fatalf("row %q lacks %q", lines[1], cell)
		}
		row = row[i+len(cell):]
	}
}

func TestEtaColumnIsNeverInvalid(t *testing.T) {
	ctx := context.Background()
	run := testutil.MakeForecastRun("fresh", "default").Obj()
	if err := k8sClient.Create(ctx, run); err != nil {
		t.Fatalf("create: %v", err)
	}
	out, err := kubectl(t, "", "get", "fr", "fresh", "-n", "default", "-o", "wide")
	if err != nil {
		t.Fatalf("kubectl get: %v\n%s", err, out)
	}
	if strings.Contains(out, "<invalid>") {
		t.Errorf("a run without status shows <invalid>:\n%s", out)
	}
}

func TestExplainDocumentsEverySpecField(t *testing.T) {
	var crd apiextensionsv1.CustomResourceDefinition
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Name: "forecastruns.forecasting.dev"}, &crd); err != nil {
		t.Fatalf("get CRD: %v", err)
	}
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	var undocumented []string
	var fields []string
	walkSchema("spec", spec, func(path string, s apiextensionsv1.JSONSchemaProps) {
		fields = append(fields, path)
		if strings.TrimSpace(s.Description) == "" {
			undocumented = append(undocumented, path)
		}
	})
	if len(undocumented) > 0 {
		t.Errorf("fields without a description: %v", undocumented)
	}

	out, err := kubectl(t, "", "explain", "forecastrun.spec", "--recursive")
	if err != nil {
		t.Fatalf("kubectl explain: %v\n%s", err, out)
	}
	for _, path := range fields {
		if strings.HasPrefix(path, "spec.resources.") {
			continue // core type, documented upstream
		}
		name := path[strings.LastIndex(path, ".")+1:]
		if !strings.Contains(out, name) {
			t.Errorf("kubectl explain --recursive does not list %s", path)
		}
	}
}

// walkSchema calls visit for every property below s, depth first.
func walkSchema(path string, s apiextensionsv1.JSONSchemaProps, visit func(string, apiextensionsv1.JSONSchemaProps)) {
	for name, prop := range s.Properties {
		p := path + "." + name
		visit(p, prop)
		walkSchema(p, prop, visit)
	}
	if s.Items != nil && s.Items.Schema != nil {
		walkSchema(path, *s.Items.Schema, visit)
	}
}

// TestLongNamesAreRefused (defect 4 of the lifecycle issue): a run's name
// becomes a label value on its Job and Pods, which may hold 63 characters.
// A longer name used to be accepted and wedged the run (every child
// create failed); the API server now refuses it, saying why.
func TestLongNamesAreRefused(t *testing.T) {
	long := strings.Repeat("n", 64)
	out, err := kubectl(t, fmt.Sprintf(validRun, long, "  dataset: {synthetic: {}}\n"), "apply", "-f", "-")
	if err == nil {
		t.Fatalf("a %d-character name was accepted", len(long))
	}
	if want := "metadata.name must be at most 63 characters"; !strings.Contains(out, want) {
		t.Errorf("kubectl apply said:\n%s\nwant it to contain %q", out, want)
	}
	fits := strings.Repeat("n", 63)
	if out, err := kubectl(t, fmt.Sprintf(validRun, fits, "  dataset: {synthetic: {}}\n"), "apply", "-f", "-"); err != nil {
		t.Errorf("a 63-character name was refused: %s", out)
	}
}

// TestObjectStoreSampleIsAccepted: the object-storage sample (a sharded
// run from a bucket to a bucket, and its credentials Secret) is valid as
// it is.
func TestObjectStoreSampleIsAccepted(t *testing.T) {
	out, err := kubectl(t, "", "apply", "--server-side", "--dry-run=server", "-n", "default", "-k", filepath.Join(testutil.RepoRoot(), "config", "samples", "objectstore"))
	if err != nil {
		t.Fatalf("kubectl apply of the object-storage sample: %v\n%s", err, out)
	}
}

// TestPlacementSamplesAreAccepted: the podTemplate samples people copy
// (a tainted batch node pool, Kueue's queue-name, OpenShift's assigned user
// IDs) are valid as they are.
func TestPlacementSamplesAreAccepted(t *testing.T) {
	out, err := kubectl(t, "", "apply", "--server-side", "--dry-run=server", "-n", "default", "-k", filepath.Join(testutil.RepoRoot(), "config", "samples", "placement"))
	if err != nil {
		t.Fatalf("kubectl apply of the placement samples: %v\n%s", err, out)
	}
	for _, name := range []string{"nightly-on-batch-pool", "nightly-through-kueue", "quicktest-on-openshift"} {
		if want := "forecastrun.forecasting.dev/" + name + " serverside-applied (server dry run)"; !strings.Contains(out, want) {
			t.Errorf("kubectl said:\n%s\nwant %q", out, want)
		}
	}
}
