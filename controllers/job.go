package controllers

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"path"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runnerenv"
)

// Where the runner's volumes are mounted, who it runs as, and how long a
// Job name may be. The environment it reads is named in internal/runnerenv.
const (
	datasetMount = "/data"
	outputMount  = "/output"
	runnerUID    = 65532
	maxNameLen   = 63 // Job names become label values
)

// childName is "<run>-<suffix>", shortened with a hash of the run name when
// it would not fit in a label value.
func childName(run, suffix string) string {
	name := run + "-" + suffix
	if len(name) <= maxNameLen {
		return name
	}
	sum := sha256.Sum256([]byte(run))
	keep := maxNameLen - len(suffix) - 10
	return run[:keep] + "-" + hex.EncodeToString(sum[:])[:8] + "-" + suffix
}

// runnerName names the run's ServiceAccount, Role and RoleBinding.
func runnerName(run *v1alpha1.ForecastRun) string { return childName(run.Name, "runner") }

// jobName is "<run>-runner" for the first execution and
// "<run>-runner-<n>" after n preemptions: every hold of the lock gets a Job
// of its own, so a resumed run never waits for, nor adopts, the Job that was
// stopped, and the name says which execution a Job was.
func jobName(run *v1alpha1.ForecastRun) string {
	if run.Status.Preemptions == 0 {
		return runnerName(run)
	}
	return childName(run.Name, "runner-"+strconv.Itoa(int(run.Status.Preemptions)))
}

func ownerRef(run *v1alpha1.ForecastRun) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion: v1alpha1.GroupVersion.String(), Kind: "ForecastRun",
		Name: run.Name, UID: run.UID,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
}

func childMeta(run *v1alpha1.ForecastRun, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: name, Namespace: run.Namespace, Labels: childLabels(run),
		OwnerReferences: []metav1.OwnerReference{ownerRef(run)},
	}
}

// childLabels mark the run's Jobs and Pods as the operator's and the run's.
func childLabels(run *v1alpha1.ForecastRun) map[string]string {
	return map[string]string{labelManagedBy: managerName, labelRun: run.Name, labelRunUID: string(run.UID)}
}

// constructJob builds the runner Job of the run's current hold of the lock.
func constructJob(run *v1alpha1.ForecastRun, cfg Config) *batchv1.Job {
	p := max(run.Spec.Parallelism, 1)
	job := &batchv1.Job{
		ObjectMeta: childMeta(run, jobName(run)),
		Spec: batchv1.JobSpec{
			Parallelism:           ptr.To(p),
			Completions:           ptr.To(p),
			ActiveDeadlineSeconds: deadlineSeconds(run.Spec.Timeout),
			// No ttlSecondsAfterFinished: the TTL controller could remove a
			// finished Job before its outcome is recorded. The controller
			// deletes finished Jobs, cfg.JobTTL after recording the end.
			// A replacement Pod starts only once the one it replaces has
			// terminated, so one shard never runs twice at once.
			PodReplacementPolicy: ptr.To(batchv1.Failed),
			Template:             podTemplate(run, cfg),
		},
	}
	if p > 1 {
		// Each shard retries on its own, so that one crashing shard does not
		// use up the others' retries; once it has given up the Job fails
		// rather than letting the rest run to no avail.
		job.Spec.CompletionMode = ptr.To(batchv1.IndexedCompletion)
		job.Spec.BackoffLimitPerIndex, job.Spec.MaxFailedIndexes = ptr.To(cfg.BackoffLimit), ptr.To[int32](0)
	} else {
		job.Spec.BackoffLimit = ptr.To(cfg.BackoffLimit)
	}
	job.Spec.PodFailurePolicy = podFailurePolicy()
	applyPodTemplate(job, run.Spec.PodTemplate)
	return job
}

// runnerExitPermanent is the runner's exit code for failures a retry cannot
// fix, such as a malformed dataset (runner/job.ExitPermanent).
const runnerExitPermanent = 3

// podFailurePolicy says which Pod failures count. A Pod that failed
// because it was disrupted (a node drain, a preemption by the scheduler, an
// eviction for node pressure) is replaced without counting against the
// retries; it resumes from the checkpoints on the output volume. A runner
// that exits with runnerExitPermanent fails the Job at once instead of
// repeating the same failure backoffLimit times; a crash is retried.
func podFailurePolicy() *batchv1.PodFailurePolicy {
	return &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
		Action:          batchv1.PodFailurePolicyActionIgnore,
		OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}},
	}, {
		Action: batchv1.PodFailurePolicyActionFailJob,
		OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
			ContainerName: ptr.To("runner"),
			Operator:      batchv1.PodFailurePolicyOnExitCodesOpIn,
			Values:        []int32{runnerExitPermanent},
		},
	}}}
}

// deadlineSeconds rounds the run's timeout up to whole seconds.
func deadlineSeconds(d *metav1.Duration) *int64 {
	if d == nil {
		return nil
	}
	return ptr.To(int64(math.Ceil(d.Seconds())))
}

func podTemplate(run *v1alpha1.ForecastRun, cfg Config) corev1.PodTemplateSpec {
	volumes, mounts := runnerVolumes(run)
	container := corev1.Container{
		Name:            "runner",
		Image:           cfg.RunnerImage,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{"runner", "job"},
		Env:             runnerEnv(run, cfg),
		VolumeMounts:    mounts,
		SecurityContext: restrictedContainer(),
	}
	if run.Spec.Resources != nil {
		container.Resources = *run.Spec.Resources
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: childLabels(run)},
		Spec: corev1.PodSpec{
			ServiceAccountName: runnerServiceAccount(run),
			// The runner reads its run and reports into its status, so it
			// needs its token even when a ServiceAccount it was given
			// turns automounting off.
			AutomountServiceAccountToken: ptr.To(true),
			RestartPolicy:                corev1.RestartPolicyNever,
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot: ptr.To(true),
				RunAsUser:    ptr.To[int64](runnerUID),
				RunAsGroup:   ptr.To[int64](runnerUID),
				FSGroup:      ptr.To[int64](runnerUID),
				// A large results volume is not re-chowned on every start.
				FSGroupChangePolicy: ptr.To(corev1.FSGroupChangeOnRootMismatch),
				SeccompProfile:      &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{container},
			Volumes:    volumes,
		},
	}
}

// restrictedContainer satisfies the "restricted" Pod Security Standard.
func restrictedContainer() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr.To(true),
		ReadOnlyRootFilesystem:   ptr.To(true),
		AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

func fieldEnv(name, field string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: field}}}
}

func runnerEnv(run *v1alpha1.ForecastRun, cfg Config) []corev1.EnvVar {
	env := []corev1.EnvVar{
		{Name: runnerenv.RunName, Value: run.Name},
		fieldEnv(runnerenv.RunNamespace, "metadata.namespace"),
		fieldEnv(runnerenv.PodName, "metadata.name"),
		{Name: runnerenv.FencingToken, Value: run.Status.FencingToken},
		{Name: runnerenv.Shards, Value: strconv.Itoa(int(max(run.Spec.Parallelism, 1)))},
	}
	if pvc := run.Spec.Dataset.PersistentVolumeClaim; pvc != nil {
		env = append(env, corev1.EnvVar{Name: runnerenv.DatasetFile, Value: path.Join(datasetMount, pvc.Path)})
	}
	if out := run.Spec.Output; out != nil && out.PersistentVolumeClaim != nil {
		env = append(env, corev1.EnvVar{Name: runnerenv.OutputDir, Value: path.Join(outputMount, out.PersistentVolumeClaim.Path)})
	}
	if reachesNetwork(run) && cfg.DatasetAllowedHosts != "" {
		env = append(env, corev1.EnvVar{Name: runnerenv.AllowedHosts, Value: cfg.DatasetAllowedHosts})
	}
	if store := run.Spec.Dataset.ObjectStore; store != nil {
		env = append(env, accessKeyEnv(store.CredentialsSecret, runnerenv.DatasetAccessKeyID, runnerenv.DatasetSecretAccessKey)...)
	}
	if out := run.Spec.Output; out != nil && out.ObjectStore != nil {
		env = append(env, accessKeyEnv(out.ObjectStore.CredentialsSecret, runnerenv.OutputAccessKeyID, runnerenv.OutputSecretAccessKey)...)
	}
	return env
}

// reachesNetwork reports whether the runner connects to a server the spec
// names (a dataset URL, an object store), which the egress allow-list
// governs.
func reachesNetwork(run *v1alpha1.ForecastRun) bool {
	out := run.Spec.Output
	return run.Spec.Dataset.URL != "" || run.Spec.Dataset.ObjectStore != nil || (out != nil && out.ObjectStore != nil)
}

// accessKeyEnv passes an object store's access key from its Secret, which
// the kubelet reads: the key never appears in the Job or the run.
func accessKeyEnv(secret v1alpha1.ObjectStoreCredentials, idVar, keyVar string) []corev1.EnvVar {
	ref := func(name, key string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret.Name}, Key: key,
		}}}
	}
	return []corev1.EnvVar{
		ref(idVar, cmp.Or(secret.AccessKeyIDKey, v1alpha1.DefaultAccessKeyIDKey)),
		ref(keyVar, cmp.Or(secret.SecretAccessKeyKey, v1alpha1.DefaultSecretAccessKeyKey)),
	}
}

// runnerVolumes are a writable /tmp (the root filesystem is read-only) and
// the dataset and output claims when the spec names them.
func runnerVolumes(run *v1alpha1.ForecastRun) ([]corev1.Volume, []corev1.VolumeMount) {
	vols := []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	mounts := []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}
	if pvc := run.Spec.Dataset.PersistentVolumeClaim; pvc != nil {
		vols = append(vols, claimVolume("dataset", pvc.ClaimName, true))
		mounts = append(mounts, corev1.VolumeMount{Name: "dataset", MountPath: datasetMount, ReadOnly: true})
	}
	if out := run.Spec.Output; out != nil && out.PersistentVolumeClaim != nil {
		vols = append(vols, claimVolume("output", out.PersistentVolumeClaim.ClaimName, false))
		mounts = append(mounts, corev1.VolumeMount{Name: "output", MountPath: outputMount})
	}
	return vols, mounts
}

func claimVolume(name, claim string, readOnly bool) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim, ReadOnly: readOnly},
	}}
}

// getJob reads the Job named in the run's status.jobName, that of its
// current or last hold; nil when there is none.
func getJob(ctx context.Context, reader client.Reader, run *v1alpha1.ForecastRun) (*batchv1.Job, error) {
	name := run.Status.JobName
	if name == "" {
		return nil, nil
	}
	var job batchv1.Job
	err := reader.Get(ctx, keyOf(run.Namespace, name), &job)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading job %s: %w", name, err)
	}
	return &job, nil
}

// jobUnfinished reports whether job exists and has not finished.
func jobUnfinished(job *batchv1.Job) bool {
	_, finished := jobOutcome(job)
	return job != nil && !finished
}

// jobOutcome reads a finished Job's result: its Complete or Failed
// condition.
func jobOutcome(job *batchv1.Job) (*batchv1.JobCondition, bool) {
	if job == nil {
		return nil, false
	}
	for i, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return &job.Status.Conditions[i], true
		}
	}
	return nil, false
}

// deleteJob stops a Job of the run. Foreground propagation keeps the Job
// until the garbage collector has removed its Pods, so that "the Job is
// gone" means "nothing of it runs any more".
func (r *Reconciler) deleteJob(ctx context.Context, ns, name string) error {
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	err := r.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationForeground))
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting job %s: %w", job.Name, err)
	}
	return nil
}

func keyOf(ns, name string) client.ObjectKey { return client.ObjectKey{Namespace: ns, Name: name} }
