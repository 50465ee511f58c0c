package forecastcli

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// runnerJob is a Job shaped like the controller's runner Job.
func runnerJob(ns, name, sa, image string) *batchv1.Job {
	job := &batchv1.Job{}
	job.Name, job.Namespace = name, ns
	job.Spec.Template.Spec = corev1.PodSpec{
		ServiceAccountName: sa,
		RestartPolicy:      corev1.RestartPolicyNever,
		SecurityContext:    &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](1234), RunAsGroup: ptr.To[int64](5678)},
		Containers:         []corev1.Container{{Name: "sidecar", Image: "other:1"}, {Name: "runner", Image: image, Command: []string{"runner", "job"}}},
	}
	return job
}

func TestRunnerOf(t *testing.T) {
	got := runnerOf(runnerJob("ns", "nightly-runner", "nightly-runner", "ghcr.io/forecastrun/forecastrun:v1"))
	want := runnerSpec{image: "ghcr.io/forecastrun/forecastrun:v1", serviceAccount: "nightly-runner", uid: 1234, gid: 5678}
	if got != want {
		t.Errorf("runnerOf(job) = %+v, want %+v", got, want)
	}
	// Without a Job: the controller's runner user, the default account.
	if got, want := runnerOf(nil), (runnerSpec{uid: runnerUID, gid: runnerUID}); got != want {
		t.Errorf("runnerOf(nil) = %+v, want %+v", got, want)
	}
}

func TestExportPod(t *testing.T) {
	run := testutil.MakeForecastRun("nightly", "team-a").Output("results", "runs/daily").Obj()
	run.UID = "uid-1"
	pod := exportPod(run, runnerSpec{image: "img:1", serviceAccount: "nightly-runner", uid: runnerUID, gid: runnerUID}, 90*time.Second)

	if pod.GenerateName != "nightly-export-" || pod.Namespace != "team-a" || pod.Labels[labelRun] != "nightly" {
		t.Errorf("pod meta: generateName %q, namespace %q, labels %v", pod.GenerateName, pod.Namespace, pod.Labels)
	}
	if refs := pod.OwnerReferences; len(refs) != 1 || refs[0].UID != "uid-1" || refs[0].Kind != "ForecastRun" || refs[0].Controller != nil {
		t.Errorf("owner references %+v, want the run as a plain owner", refs)
	}
	spec := pod.Spec
	if spec.RestartPolicy != corev1.RestartPolicyNever || spec.ServiceAccountName != "nightly-runner" ||
		ptr.Deref(spec.AutomountServiceAccountToken, true) || ptr.Deref(spec.ActiveDeadlineSeconds, 0) != 90 {
		t.Errorf("pod spec: restart %q, account %q, automount %v, deadline %v", spec.RestartPolicy, spec.ServiceAccountName,
			spec.AutomountServiceAccountToken, spec.ActiveDeadlineSeconds)
	}
	wantPodSC := &corev1.PodSecurityContext{
		RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](runnerUID), RunAsGroup: ptr.To[int64](runnerUID),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	if d := cmp.Diff(wantPodSC, spec.SecurityContext); d != "" {
		t.Errorf("pod security context (-want +got):\n%s", d)
	}
	if len(spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(spec.Containers))
	}
	c := spec.Containers[0]
	if d := cmp.Diff([]string{"runner", "export", "--dir", "/output/runs/daily/nightly"}, c.Command); d != "" {
		t.Errorf("command (-want +got):\n%s", d)
	}
	if c.Image != "img:1" || c.Name != exportContainer {
		t.Errorf("container %q image %q", c.Name, c.Image)
	}
	wantSC := &corev1.SecurityContext{
		RunAsNonRoot: ptr.To(true), ReadOnlyRootFilesystem: ptr.To(true), AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	if d := cmp.Diff(wantSC, c.SecurityContext); d != "" {
		t.Errorf("container security context (-want +got):\n%s", d)
	}
	wantMounts := []corev1.VolumeMount{{Name: "output", MountPath: "/output", ReadOnly: true}}
	if d := cmp.Diff(wantMounts, c.VolumeMounts); d != "" {
		t.Errorf("mounts (-want +got):\n%s", d)
	}
	wantVolumes := []corev1.Volume{{Name: "output", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "results", ReadOnly: true},
	}}}
	if d := cmp.Diff(wantVolumes, spec.Volumes); d != "" {
		t.Errorf("volumes (-want +got):\n%s", d)
	}
}

// The runner writes into the claim's root plus the run name when the
// output has no path.
func TestRunFolderWithoutPath(t *testing.T) {
	run := testutil.MakeForecastRun("nightly", "ns").Output("results", "").Obj()
	if got := runFolder(run); got != "/output/nightly" {
		t.Errorf("runFolder = %q, want /output/nightly", got)
	}
}
