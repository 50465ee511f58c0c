package forecastcli

import (
	"math"
	"path"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// What the export Pod shares with the runner Pod the controller builds
// (controllers/job.go): the output claim's mount point and the runner's
// user, which owns the files.
const (
	exportMount     = "/output"
	exportContainer = "export"
	runnerUID       = 65532
	// labelRun is the controller's label naming a run's objects; the
	// controller watches no Pods, so an export Pod carrying it is inert.
	labelRun = "forecasting.dev/run"
)

// runnerSpec is what the export Pod takes over from the run's Job.
type runnerSpec struct {
	image          string
	serviceAccount string // empty: the namespace's default
	uid, gid       int64
}

// runnerOf reads the runner image, ServiceAccount and user from a runner
// Job, falling back to the controller's defaults for what it lacks.
func runnerOf(job *batchv1.Job) runnerSpec {
	spec := runnerSpec{uid: runnerUID, gid: runnerUID}
	if job == nil {
		return spec
	}
	pod := job.Spec.Template.Spec
	spec.serviceAccount = pod.ServiceAccountName
	if sc := pod.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			spec.uid = *sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			spec.gid = *sc.RunAsGroup
		}
	}
	spec.image = runnerImage(pod.Containers)
	return spec
}

// runnerImage is the image of the container named runner, as the
// controller names it, else of the first.
func runnerImage(containers []corev1.Container) string {
	for _, c := range containers {
		if c.Name == "runner" {
			return c.Image
		}
	}
	if len(containers) > 0 {
		return containers[0].Image
	}
	return ""
}

// runFolder is the run's result folder inside the export Pod: the runner
// writes to FORECASTRUN_OUTPUT_DIR (/output/<spec.output path>) plus the
// run's name (runner/job Env.ResultDir).
func runFolder(run *v1alpha1.ForecastRun) string {
	return path.Join(exportMount, run.Spec.Output.PersistentVolumeClaim.Path, run.Name)
}

// exportPod builds the short-lived Pod that prints the run's result files
// to its log with `runner export`. The run must have spec.output.
func exportPod(run *v1alpha1.ForecastRun, r runnerSpec, timeout time.Duration) *corev1.Pod {
	claim := run.Spec.Output.PersistentVolumeClaim.ClaimName
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			// The API server appends five random characters.
			GenerateName: run.Name + "-export-",
			Namespace:    run.Namespace,
			Labels: map[string]string{
				labelRun:                       run.Name,
				"app.kubernetes.io/component":  "export",
				"app.kubernetes.io/managed-by": "kubectl-forecast",
			},
			// Not the controller: it only lets the garbage collector remove
			// a Pod the plugin could not delete, at the latest with the run.
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: v1alpha1.GroupVersion.String(), Kind: "ForecastRun", Name: run.Name, UID: run.UID,
			}},
		},
		Spec: corev1.PodSpec{
			RestartPolicy:      corev1.RestartPolicyNever,
			ServiceAccountName: r.serviceAccount,
			// The exporter reads files, never the API.
			AutomountServiceAccountToken: ptr.To(false),
			// Bounds a Pod left behind when the plugin is killed before its
			// deferred delete.
			ActiveDeadlineSeconds:         ptr.To(int64(math.Ceil(max(timeout, time.Second).Seconds()))),
			TerminationGracePeriodSeconds: ptr.To[int64](5),
			// As the runner Pod, without fsGroup: the exporter only reads
			// files the runner wrote as this user with mode 0644, and an
			// fsGroup would make the kubelet walk the claim to change
			// ownership.
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr.To(true),
				RunAsUser:      ptr.To(r.uid),
				RunAsGroup:     ptr.To(r.gid),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name:            exportContainer,
				Image:           r.image,
				ImagePullPolicy: corev1.PullIfNotPresent,
				Command:         []string{"runner", "export", "--dir", runFolder(run)},
				VolumeMounts:    []corev1.VolumeMount{{Name: "output", MountPath: exportMount, ReadOnly: true}},
				SecurityContext: &corev1.SecurityContext{
					RunAsNonRoot:             ptr.To(true),
					ReadOnlyRootFilesystem:   ptr.To(true),
					AllowPrivilegeEscalation: ptr.To(false),
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
					SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
				},
			}},
			Volumes: []corev1.Volume{{Name: "output", VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim, ReadOnly: true},
			}}},
		},
	}
}
