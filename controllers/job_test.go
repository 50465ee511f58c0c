package controllers

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runnerenv"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestConstructJob(t *testing.T) {
	cfg := Config{RunnerImage: "runner:test", JobTTL: time.Hour, BackoffLimit: 3}
	withPVCs := testutil.MakeForecastRun("pvc", "ns").Obj()
	withPVCs.Spec.Dataset = v1alpha1.Dataset{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "data", Path: "sales/long.csv"}}
	withPVCs.Spec.Output = &v1alpha1.Output{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "results", Path: "forecasts"}}
	preempted := testutil.MakeForecastRun("again", "ns").Obj()
	preempted.Status.Preemptions = 2
	cases := []struct {
		name       string
		run        *v1alpha1.ForecastRun
		jobName    string
		indexed    bool
		pods       int32
		deadline   *int64
		extraEnv   map[string]string
		claimNames []string
	}{
		{name: "one pod", run: testutil.MakeForecastRun("one", "ns").Obj(), jobName: "one-runner", pods: 1},
		{name: "indexed shards", run: testutil.MakeForecastRun("three", "ns").Parallelism(3).Obj(), jobName: "three-runner", indexed: true, pods: 3},
		{name: "timeout becomes the deadline", run: testutil.MakeForecastRun("t", "ns").Timeout(metav1.Duration{Duration: 90500 * time.Millisecond}).Obj(), jobName: "t-runner", pods: 1, deadline: ptr.To[int64](91)},
		{name: "claims mounted", run: withPVCs, jobName: "pvc-runner", pods: 1,
			extraEnv: map[string]string{runnerenv.DatasetFile: "/data/sales/long.csv", runnerenv.OutputDir: "/output/forecasts"}, claimNames: []string{"data", "results"}},
		{name: "a resumed run gets a new Job", run: preempted, jobName: "again-runner-2", pods: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run.UID = "uid-1"
			tc.run.Status.FencingToken = "4/uid-1"
			job := constructJob(tc.run, cfg)
			if job.Name != tc.jobName || job.Namespace != "ns" {
				t.Errorf("job %s/%s, want ns/%s", job.Namespace, job.Name, tc.jobName)
			}
			if diff := cmp.Diff([]metav1.OwnerReference{ownerRef(tc.run)}, job.OwnerReferences); diff != "" || !*job.OwnerReferences[0].Controller {
				t.Errorf("owner references (-want +got):\n%s", diff)
			}
			spec := job.Spec
			if got := spec.CompletionMode != nil && *spec.CompletionMode == batchv1.IndexedCompletion; got != tc.indexed {
				t.Errorf("indexed = %v, want %v", got, tc.indexed)
			}
			if *spec.Parallelism != tc.pods || *spec.Completions != tc.pods {
				t.Errorf("parallelism %d completions %d", *spec.Parallelism, *spec.Completions)
			}
			assertRetries(t, spec, tc.indexed)
			if spec.TTLSecondsAfterFinished != nil {
				t.Errorf("ttlSecondsAfterFinished = %d: the controller removes finished Jobs once their outcome is recorded", *spec.TTLSecondsAfterFinished)
			}
			if diff := cmp.Diff(tc.deadline, spec.ActiveDeadlineSeconds); diff != "" {
				t.Errorf("activeDeadlineSeconds (-want +got):\n%s", diff)
			}
			pod := spec.Template.Spec
			c := pod.Containers[0]
			if c.Image != "runner:test" || strings.Join(c.Command, " ") != "runner job" || pod.ServiceAccountName != runnerName(tc.run) {
				t.Errorf("image %q command %q serviceAccount %q", c.Image, c.Command, pod.ServiceAccountName)
			}
			if pod.RestartPolicy != corev1.RestartPolicyNever {
				t.Errorf("restartPolicy = %s", pod.RestartPolicy)
			}
			if p := spec.PodReplacementPolicy; p == nil || *p != batchv1.Failed {
				t.Errorf("podReplacementPolicy = %v, want Failed: a shard's replacement starts only once it has terminated", p)
			}
			wantLabels := map[string]string{labelManagedBy: managerName, labelRun: tc.run.Name, labelRunUID: "uid-1"}
			if diff := cmp.Diff(wantLabels, spec.Template.Labels); diff != "" {
				t.Errorf("pod labels (-want +got):\n%s", diff)
			}
			assertPermanentExitFailsJob(t, spec.PodFailurePolicy)
			want := map[string]string{runnerenv.RunName: tc.run.Name, runnerenv.FencingToken: "4/uid-1", runnerenv.Shards: itoa(tc.pods)}
			for k, v := range tc.extraEnv {
				want[k] = v
			}
			for k, v := range want {
				if got := envValue(c.Env, k); got != v {
					t.Errorf("env %s = %q, want %q", k, got, v)
				}
			}
			assertDownwardEnv(t, c.Env)
			assertRestricted(t, pod, c)
			var claims []string
			for _, v := range pod.Volumes {
				if v.PersistentVolumeClaim != nil {
					claims = append(claims, v.PersistentVolumeClaim.ClaimName)
				}
			}
			if diff := cmp.Diff(tc.claimNames, claims); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	}
}

// assertPermanentExitFailsJob checks the Job's pod failure policy: a Pod
// that failed because it was disrupted (a node drain, a preemption by the
// scheduler, an eviction) does not count against the retries, and the
// runner's permanent-failure exit code fails the Job without them.
func assertPermanentExitFailsJob(t *testing.T, p *batchv1.PodFailurePolicy) {
	t.Helper()
	if p == nil || len(p.Rules) != 2 {
		t.Fatalf("podFailurePolicy = %+v, want two rules", p)
	}
	ignore, fail := p.Rules[0], p.Rules[1]
	wantIgnore := []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}
	if ignore.Action != batchv1.PodFailurePolicyActionIgnore || !cmp.Equal(ignore.OnPodConditions, wantIgnore) {
		t.Errorf("first podFailurePolicy rule = %+v, want Ignore on DisruptionTarget", ignore)
	}
	if fail.Action != batchv1.PodFailurePolicyActionFailJob || fail.OnExitCodes == nil ||
		fail.OnExitCodes.Operator != batchv1.PodFailurePolicyOnExitCodesOpIn || !slices.Equal(fail.OnExitCodes.Values, []int32{3}) {
		t.Errorf("second podFailurePolicy rule = %+v, want FailJob on exit code 3", fail)
	}
}

// assertRetries checks how a Job retries failed Pods: a run with one Pod
// gets backoffLimit retries, each shard of a sharded run as many of its
// own (backoffLimitPerIndex), so that one crashing shard neither uses up
// the others' retries nor lets the rest run on once it has given up
// (maxFailedIndexes 0).
func assertRetries(t *testing.T, spec batchv1.JobSpec, indexed bool) {
	t.Helper()
	perIndex, maxFailed, limit := ptr.Deref(spec.BackoffLimitPerIndex, -1), ptr.Deref(spec.MaxFailedIndexes, -1), ptr.Deref(spec.BackoffLimit, -1)
	switch {
	case indexed && (perIndex != 3 || maxFailed != 0 || spec.BackoffLimit != nil):
		t.Errorf("backoffLimitPerIndex %d, maxFailedIndexes %d, backoffLimit %d; want 3, 0 and unset", perIndex, maxFailed, limit)
	case !indexed && (limit != 3 || spec.BackoffLimitPerIndex != nil):
		t.Errorf("backoffLimit %d, backoffLimitPerIndex %d; want 3 and unset", limit, perIndex)
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

func assertDownwardEnv(t *testing.T, env []corev1.EnvVar) {
	t.Helper()
	fields := map[string]string{}
	for _, e := range env {
		if e.ValueFrom != nil && e.ValueFrom.FieldRef != nil {
			fields[e.Name] = e.ValueFrom.FieldRef.FieldPath
		}
	}
	want := map[string]string{runnerenv.RunNamespace: "metadata.namespace", runnerenv.PodName: "metadata.name"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("downward API env (-want +got):\n%s", diff)
	}
}

// assertRestricted checks the "restricted" Pod Security Standard fields
// and the writable /tmp that a read-only root filesystem needs.
func assertRestricted(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	sc := c.SecurityContext
	if !*sc.RunAsNonRoot || !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation ||
		sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault || !cmp.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container security context not restricted: %+v", sc)
	}
	if !*pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context not restricted: %+v", pod.SecurityContext)
	}
	tmp := false
	for _, m := range c.VolumeMounts {
		tmp = tmp || m.MountPath == "/tmp"
	}
	if !tmp {
		t.Errorf("no writable /tmp")
	}
}

func TestChildName(t *testing.T) {
	long := strings.Repeat("a", 70)
	cases := []struct{ run, suffix string }{{"short", "runner"}, {long, "runner"}, {long, "runner-12"}}
	for _, tc := range cases {
		got := childName(tc.run, tc.suffix)
		if len(got) > maxNameLen || !strings.HasSuffix(got, "-"+tc.suffix) {
			t.Errorf("childName(%d chars, %s) = %q (%d chars)", len(tc.run), tc.suffix, got, len(got))
		}
	}
	if childName(long, "runner") == childName(long+"b", "runner") {
		t.Errorf("long names that differ must not collide")
	}
}

func TestRunnerRules(t *testing.T) {
	synthetic := runnerRules(testutil.MakeForecastRun("a", "ns").Obj())
	fromCM := runnerRules(testutil.MakeForecastRun("a", "ns").ConfigMap("sales", "csv").Obj())
	if len(synthetic) != 2 || len(fromCM) != 3 {
		t.Fatalf("rules: %d without and %d with a ConfigMap dataset, want 2 and 3", len(synthetic), len(fromCM))
	}
	cm := fromCM[2]
	if !cmp.Equal(cm.ResourceNames, []string{"sales"}) || !cmp.Equal(cm.Verbs, []string{"get"}) || !cmp.Equal(cm.Resources, []string{"configmaps"}) {
		t.Errorf("configmap rule = %+v", cm)
	}
	if !cmp.Equal(synthetic[1].Verbs, []string{"patch"}) || synthetic[1].Resources[0] != "forecastruns/status" {
		t.Errorf("status rule = %+v, want patch only: server-side apply needs no get", synthetic[1])
	}
}

// TestRunnerEnvCarriesTheDatasetAllowList: the manager's allow-list
// reaches the runners that download a URL, and only them.
func TestRunnerEnvCarriesTheDatasetAllowList(t *testing.T) {
	cfg := Config{DatasetAllowedHosts: "*.svc.cluster.local"}
	fromURL := constructJob(testutil.MakeForecastRun("u", "ns").URL("http://dataset.ns.svc.cluster.local/sales.csv").Obj(), cfg)
	if got := envValue(fromURL.Spec.Template.Spec.Containers[0].Env, runnerenv.AllowedHosts); got != cfg.DatasetAllowedHosts {
		t.Errorf("%s = %q for a URL dataset, want %q", runnerenv.AllowedHosts, got, cfg.DatasetAllowedHosts)
	}
	synthetic := constructJob(testutil.MakeForecastRun("s", "ns").Obj(), cfg)
	if got := envValue(synthetic.Spec.Template.Spec.Containers[0].Env, runnerenv.AllowedHosts); got != "" {
		t.Errorf("%s = %q for a synthetic dataset, want it unset", runnerenv.AllowedHosts, got)
	}
}

// TestObjectStoreRunnerGetsTheKeysFromTheSecrets: a run from a bucket to a
// bucket gets each access key by secretKeyRef (never as a value in the
// Job), the egress allow-list that its endpoints are checked against, and
// neither a claim nor an output folder.
func TestObjectStoreRunnerGetsTheKeysFromTheSecrets(t *testing.T) {
	cfg := Config{DatasetAllowedHosts: "*.svc.cluster.local"}
	run := testutil.MakeForecastRun("b", "ns").Parallelism(2).
		ObjectStoreDataset("http://minio.storage.svc.cluster.local:9000", "sales", "a.csv", "sales-s3").
		ObjectStoreOutput("http://minio.storage.svc.cluster.local:9000", "results", "runs", "results-s3").Obj()
	run.Spec.Output.ObjectStore.CredentialsSecret.AccessKeyIDKey = "id"
	pod := constructJob(run, cfg).Spec.Template.Spec
	env := pod.Containers[0].Env
	want := map[string][2]string{
		runnerenv.DatasetAccessKeyID:     {"sales-s3", v1alpha1.DefaultAccessKeyIDKey},
		runnerenv.DatasetSecretAccessKey: {"sales-s3", v1alpha1.DefaultSecretAccessKeyKey},
		runnerenv.OutputAccessKeyID:      {"results-s3", "id"},
		runnerenv.OutputSecretAccessKey:  {"results-s3", v1alpha1.DefaultSecretAccessKeyKey},
	}
	for name, ref := range want {
		i := slices.IndexFunc(env, func(e corev1.EnvVar) bool { return e.Name == name })
		if i < 0 || env[i].Value != "" || env[i].ValueFrom == nil || env[i].ValueFrom.SecretKeyRef == nil {
			t.Errorf("%s: want a secretKeyRef and no value, got %+v", name, env[max(i, 0)])
			continue
		}
		if sk := env[i].ValueFrom.SecretKeyRef; sk.Name != ref[0] || sk.Key != ref[1] {
			t.Errorf("%s from Secret %s key %s, want %s key %s", name, sk.Name, sk.Key, ref[0], ref[1])
		}
	}
	if got := envValue(env, runnerenv.AllowedHosts); got != cfg.DatasetAllowedHosts {
		t.Errorf("%s = %q, want %q: the endpoints are checked against it", runnerenv.AllowedHosts, got, cfg.DatasetAllowedHosts)
	}
	if got := envValue(env, runnerenv.OutputDir); got != "" {
		t.Errorf("%s = %q for a bucket output, want it unset", runnerenv.OutputDir, got)
	}
	for _, v := range pod.Volumes {
		if v.PersistentVolumeClaim != nil {
			t.Errorf("volume %s mounts claim %s; a bucket run needs none", v.Name, v.PersistentVolumeClaim.ClaimName)
		}
	}
}

// TestJobFailureReleasesLock: a failed Job fails the run with the Job's
// reason and message, releases the lock and admits the next run.
func TestJobFailureReleasesLock(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("doomed", ns).Horizon(1).Obj())
	waitJob(t, ns, "doomed-runner")
	create(t, testutil.MakeForecastRun("next", ns).Horizon(2).Obj())
	waitPhase(t, ns, "next", v1alpha1.PhaseQueued)
	finishJob(t, ns, "doomed-runner", false)
	run := waitPhase(t, ns, "doomed", v1alpha1.PhaseFailed)
	c := findCondition(run, v1alpha1.ConditionFailed)
	if c == nil || c.Reason != v1alpha1.ReasonJobFailed || !strings.Contains(c.Message, "BackoffLimitExceeded: Job has reached the specified backoff limit") {
		t.Errorf("failed condition = %+v", c)
	}
	assertConditions(t, run, map[string]bool{v1alpha1.ConditionStalled: true, v1alpha1.ConditionReady: false, v1alpha1.ConditionRunning: false})
	waitPhase(t, ns, "next", v1alpha1.PhaseRunning)
	waitJob(t, ns, "next-runner")
	eventually(t, 10*time.Second, "a Warning event for the failure", eventsAre(ns, "doomed", v1alpha1.ReasonJobFailed))
}

// TestParallelShardsSumProgress: parallelism 3 gives an Indexed Job of
// three Pods; each shard's report is summed into the run's progress.
func TestParallelShardsSumProgress(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("wide", ns).Parallelism(3).Output("results", "runs").Obj())
	job := waitJob(t, ns, "wide-runner")
	if *job.Spec.Completions != 3 || *job.Spec.Parallelism != 3 || *job.Spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("job spec: completions %d parallelism %d mode %s", *job.Spec.Completions, *job.Spec.Parallelism, *job.Spec.CompletionMode)
	}
	run := waitPhase(t, ns, "wide", v1alpha1.PhaseRunning)
	for i, done := range []int32{10, 17, 0} {
		reportShard(t, ns, "wide", int32(i), done, 17, run.Status.FencingToken)
	}
	eventually(t, 10*time.Second, "three shards summed", progressIs(ns, "wide", 27, 51))
	for i := range 3 {
		reportShard(t, ns, "wide", int32(i), 17, 17, run.Status.FencingToken)
	}
	eventually(t, 10*time.Second, "all shards done", progressIs(ns, "wide", 51, 51))
	finishJob(t, ns, "wide-runner", true)
	if got := waitPhase(t, ns, "wide", v1alpha1.PhaseSucceeded); got.Status.Progress.PercentText != "100%" {
		t.Errorf("final progress %+v", got.Status.Progress)
	}
}

// TestPodTemplateIsMergedPredictably: a run's podTemplate reaches the
// runner Pods (and, for labels and annotations, the Job Kueue reads) without
// changing what the controller needs: its labels stay, the restrictions
// stay, and an empty securityContext leaves the IDs to the platform.
func TestPodTemplateIsMergedPredictably(t *testing.T) {
	run := testutil.MakeForecastRun("placed", "ns").Obj()
	run.UID = "uid-1"
	run.Spec.PodTemplate = &v1alpha1.RunnerPodTemplate{
		Metadata: v1alpha1.RunnerPodMetadata{
			Labels:      map[string]string{"kueue.x-k8s.io/queue-name": "forecasting", "team": "planning"},
			Annotations: map[string]string{"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"},
		},
		Spec: v1alpha1.RunnerPodSpec{
			NodeSelector:      map[string]string{"pool": "batch"},
			Tolerations:       []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "batch", Effect: corev1.TaintEffectNoSchedule}},
			PriorityClassName: "batch-low",
			ImagePullSecrets:  []corev1.LocalObjectReference{{Name: "registry"}},
			RuntimeClassName:  ptr.To("gvisor"),
			SecurityContext:   &v1alpha1.RunnerSecurityContext{},
		},
	}
	job := constructJob(run, Config{RunnerImage: "runner:test", BackoffLimit: 3})
	pod := job.Spec.Template
	for what, labels := range map[string]map[string]string{"job": job.Labels, "pod": pod.Labels} {
		want := map[string]string{"kueue.x-k8s.io/queue-name": "forecasting", "team": "planning", labelManagedBy: managerName, labelRun: "placed", labelRunUID: "uid-1"}
		if diff := cmp.Diff(want, labels); diff != "" {
			t.Errorf("%s labels (-want +got):\n%s", what, diff)
		}
	}
	if job.Annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] != "false" || pod.Annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] != "false" {
		t.Errorf("annotations: job %v, pod %v", job.Annotations, pod.Annotations)
	}
	spec := pod.Spec
	if spec.NodeSelector["pool"] != "batch" || len(spec.Tolerations) != 1 || spec.PriorityClassName != "batch-low" ||
		len(spec.ImagePullSecrets) != 1 || ptr.Deref(spec.RuntimeClassName, "") != "gvisor" {
		t.Errorf("scheduling fields not taken: %+v", spec)
	}
	if sc := spec.SecurityContext; sc.RunAsUser != nil || sc.RunAsGroup != nil || sc.FSGroup != nil {
		t.Errorf("an empty securityContext must leave the IDs to the platform: %+v", sc)
	}
	if spec.ServiceAccountName != runnerName(run) {
		t.Errorf("serviceAccountName = %q, want the run's own", spec.ServiceAccountName)
	}
	assertRestricted(t, spec, spec.Containers[0])

	run.Spec.PodTemplate.Spec.SecurityContext = &v1alpha1.RunnerSecurityContext{RunAsUser: ptr.To[int64](1000680000), FSGroup: ptr.To[int64](1000680000)}
	sc := constructJob(run, Config{}).Spec.Template.Spec.SecurityContext
	if ptr.Deref(sc.RunAsUser, 0) != 1000680000 || ptr.Deref(sc.FSGroup, 0) != 1000680000 || sc.RunAsGroup != nil {
		t.Errorf("security context IDs = %+v, want exactly those given", sc)
	}
	if sc := constructJob(testutil.MakeForecastRun("plain", "ns").Obj(), Config{}).Spec.Template.Spec.SecurityContext; ptr.Deref(sc.RunAsUser, 0) != runnerUID {
		t.Errorf("without a podTemplate the runner runs as %v, want the image's user %d", sc.RunAsUser, runnerUID)
	}
}
