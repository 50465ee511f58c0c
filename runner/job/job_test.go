package job_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/job"
)

var k8sClient client.Client

func TestMain(m *testing.M) {
	os.Exit(testutil.RunSuite(m, func(_ *testutil.ControlPlane, c client.Client) { k8sClient = c }))
}

// newRunner creates run in the API server and a Runner for its shard index
// of shards, writing results under out.
func newRunner(t *testing.T, run *v1alpha1.ForecastRun, index, shards int, out string) *job.Runner {
	t.Helper()
	if err := k8sClient.Create(context.Background(), run); err != nil && index == 0 {
		t.Fatalf("creating the run: %v", err)
	}
	return &job.Runner{
		Client: k8sClient,
		Env: job.Env{
			RunName: run.Name, Namespace: run.Namespace, FencingToken: "1/" + string(run.UID),
			Shards: shards, Index: index, OutputRoot: out,
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func getRun(t *testing.T, name string) *v1alpha1.ForecastRun {
	t.Helper()
	var run v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, &run); err != nil {
		t.Fatalf("reading the run: %v", err)
	}
	return &run
}

func TestRunWritesFilesProgressAndResult(t *testing.T) {
	out := t.TempDir()
	run := testutil.MakeForecastRun("single", "default").Synthetic(60, 120, 3).ItemLimit(20).Horizon(7).Obj()
	r := newRunner(t, run, 0, 1, out)
	if err := r.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := getRun(t, "single")
	if len(got.Status.Shards) != 1 {
		t.Fatalf("status.shards = %+v, want one entry", got.Status.Shards)
	}
	sh := got.Status.Shards[0]
	if sh.ItemsDone != 20 || sh.ItemsTotal != 20 || sh.FencingToken != r.Env.FencingToken {
		t.Errorf("shard entry = %+v, want 20/20 with the fencing token", sh)
	}
	res := got.Status.Result
	if res == nil || res.ItemsForecast != 20 || res.Score == "" || len(res.Winners) == 0 {
		t.Fatalf("status.result = %+v, want 20 items with winners and a score", res)
	}
	if res.FencingToken != r.Env.FencingToken {
		t.Errorf("result fencing token = %q, want the runner's %q: the controller keeps only its current hold's result", res.FencingToken, r.Env.FencingToken)
	}
	for _, f := range []string{"forecasts.csv", "leaderboard.csv", "summary.json", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, "single", f)); err != nil {
			t.Errorf("result file missing: %v", err)
		}
	}
}

func TestShardsSplitTheItemsAndTheLastMerges(t *testing.T) {
	out := t.TempDir()
	run := testutil.MakeForecastRun("sharded", "default").Synthetic(90, 100, 5).ItemLimit(30).Horizon(7).Parallelism(3).Output("results", "runs").Obj()
	total := int32(0)
	for i := range 3 {
		if err := newRunner(t, run, i, 3, out).Run(context.Background()); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		if i < 2 && getRun(t, "sharded").Status.Result != nil {
			t.Fatalf("result recorded after shard %d of 3", i)
		}
	}
	got := getRun(t, "sharded")
	for _, sh := range got.Status.Shards {
		if sh.ItemsDone != sh.ItemsTotal {
			t.Errorf("shard %d: %d of %d done", sh.Index, sh.ItemsDone, sh.ItemsTotal)
		}
		total += sh.ItemsTotal
	}
	if len(got.Status.Shards) != 3 || total != 30 {
		t.Errorf("shards = %+v, want 3 entries summing to 30 items", got.Status.Shards)
	}
	if got.Status.Result == nil || got.Status.Result.ItemsForecast != 30 {
		t.Errorf("status.result = %+v, want 30 items", got.Status.Result)
	}
	data, err := os.ReadFile(filepath.Join(out, "sharded", "forecasts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(data), "\n") - 1; rows != 30*7 {
		t.Errorf("forecasts.csv has %d rows, want 30 items x 7 steps", rows)
	}
}

func TestResumeSkipsCheckpointedItems(t *testing.T) {
	out := t.TempDir()
	run := testutil.MakeForecastRun("resumed", "default").Synthetic(40, 100, 9).ItemLimit(10).Horizon(7).Obj()
	r := newRunner(t, run, 0, 1, out)
	if err := r.Run(context.Background()); err != nil {
		t.Fatalf("first run: %v", err)
	}
	// A second execution of the same shard (a retried or resumed Pod) finds
	// every item in the checkpoint and redoes none of them.
	if err := r.Run(context.Background()); err != nil {
		t.Fatalf("second run: %v", err)
	}
	msg := getRun(t, "resumed").Status.Shards[0].Message
	if !strings.HasPrefix(msg, "done") {
		t.Errorf("final message %q", msg)
	}
	ck, err := os.ReadFile(filepath.Join(out, "resumed", ".checkpoint", "shard-0.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(ck), "\n"); lines != 1+10 {
		t.Errorf("checkpoint has %d lines, want a header and 10 items (nothing redone)", lines)
	}
}

func TestMalformedCSVFailsPermanentlyNamingLineAndColumn(t *testing.T) {
	ctx := context.Background()
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "bad-sales", Namespace: "default"},
		Data:       map[string]string{"sales.csv": "item_id,date,quantity\nA,2024-01-01,3\nA,2024-01-02,x7\n"},
	}
	if err := k8sClient.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	run := testutil.MakeForecastRun("malformed", "default").ConfigMap("bad-sales", "sales.csv").Obj()
	err := newRunner(t, run, 0, 1, t.TempDir()).Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "configmap/bad-sales/sales.csv:3:3") {
		t.Fatalf("Run error = %v, want one naming configmap/bad-sales/sales.csv:3:3", err)
	}
	if !job.IsPermanent(err) {
		t.Errorf("a malformed dataset is not marked permanent: %v", err)
	}
	msg := getRun(t, "malformed").Status.Shards[0].Message
	if !strings.Contains(msg, "sales.csv:3:3") {
		t.Errorf("shard message %q does not name line and column", msg)
	}
}

// TestEnvReadsTheDatasetAllowList: the manager's --dataset-allowed-hosts
// reaches the runner's download policy, and a malformed one stops the
// runner with the variable's name.
func TestEnvReadsTheDatasetAllowList(t *testing.T) {
	t.Setenv(job.EnvRunName, "r")
	t.Setenv(job.EnvRunNamespace, "ns")
	t.Setenv(job.EnvAllowedHosts, "*.svc.cluster.local,10.202.0.0/24")
	e, err := job.EnvFromOS()
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Egress.String(); got != "*.svc.cluster.local,10.202.0.0/24" {
		t.Errorf("download policy allows %q", got)
	}
	t.Setenv(job.EnvAllowedHosts, "http://x/")
	if _, err := job.EnvFromOS(); err == nil || !strings.Contains(err.Error(), job.EnvAllowedHosts) {
		t.Errorf("a malformed allow-list: %v, want an error naming %s", err, job.EnvAllowedHosts)
	}
}

// TestRefusedDatasetAddressFailsPermanently: a URL on an address downloads
// may not reach fails the run at once, saying why, instead of being
// retried backoffLimit times.
func TestRefusedDatasetAddressFailsPermanently(t *testing.T) {
	run := testutil.MakeForecastRun("metadata", "default").URL("http://169.254.169.254/latest/meta-data/").Obj()
	err := newRunner(t, run, 0, 1, t.TempDir()).Run(context.Background())
	if !job.IsPermanent(err) || !strings.Contains(err.Error(), "169.254.169.254 is a link-local address") {
		t.Fatalf("Run error = %v, want a permanent refusal naming the link-local address", err)
	}
	if msg := getRun(t, "metadata").Status.Shards[0].Message; !strings.Contains(msg, "link-local") {
		t.Errorf("shard message %q does not say why", msg)
	}
}

// TestReuseTakesAResultComputedFromTheSameData: a runner offered earlier
// results (spec.reuse) takes the one whose data digest equals that of what
// it read, computing nothing; offered only other digests, it computes.
func TestReuseTakesAResultComputedFromTheSameData(t *testing.T) {
	spec := func(name string) *v1alpha1.ForecastRun {
		return testutil.MakeForecastRun(name, "default").Synthetic(40, 100, 5).ItemLimit(10).Horizon(7).Obj()
	}
	first := newRunner(t, spec("computed"), 0, 1, t.TempDir())
	if err := first.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	digest := getRun(t, "computed").Status.Result.DataDigest
	if !strings.HasPrefix(digest, "sha256:") {
		t.Fatalf("result.dataDigest = %q, want the digest of the data read", digest)
	}

	out := t.TempDir()
	again := newRunner(t, spec("unchanged"), 0, 1, out)
	again.Env.ReuseCandidates = map[string]string{"sha256:00": "older", digest: "computed"}
	if err := again.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := getRun(t, "unchanged")
	if res := got.Status.Result; res == nil || res.ReusedFrom != "computed" || res.DataDigest != digest || res.FencingToken != again.Env.FencingToken || res.ItemsForecast != 0 {
		t.Errorf("result %+v, want reusedFrom computed with the digest and token, nothing computed", res)
	}
	if _, err := os.Stat(filepath.Join(out, "unchanged", "forecasts.csv")); err == nil {
		t.Errorf("a runner that reused a result wrote forecasts")
	}

	other := newRunner(t, spec("changed"), 0, 1, t.TempDir())
	other.Env.ReuseCandidates = map[string]string{"sha256:00": "older"}
	if err := other.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res := getRun(t, "changed").Status.Result; res == nil || res.ReusedFrom != "" || res.ItemsForecast != 10 {
		t.Errorf("offered only other data, the runner's result is %+v; want 10 items computed", res)
	}
}
