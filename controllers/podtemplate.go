package controllers

import (
	"maps"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// applyPodTemplate merges the run's spec.podTemplate into its Job, after the
// controller built it: the run's labels and annotations go on the Job (where
// Kueue reads its queue-name) and on its Pods, under the controller's own,
// which they cannot replace (the API server refuses the keys, and they are
// written last here too); the scheduling fields are taken as they are; and
// a security context replaces the user and group IDs, never the
// restrictions.
func applyPodTemplate(job *batchv1.Job, tmpl *v1alpha1.RunnerPodTemplate) {
	if tmpl == nil {
		return
	}
	job.Labels = under(job.Labels, tmpl.Metadata.Labels)
	job.Annotations = under(job.Annotations, tmpl.Metadata.Annotations)
	pod := &job.Spec.Template
	pod.Labels = under(pod.Labels, tmpl.Metadata.Labels)
	pod.Annotations = under(pod.Annotations, tmpl.Metadata.Annotations)
	spec, want := &pod.Spec, tmpl.Spec.DeepCopy()
	spec.NodeSelector, spec.Tolerations, spec.Affinity = want.NodeSelector, want.Tolerations, want.Affinity
	spec.PriorityClassName, spec.ImagePullSecrets, spec.RuntimeClassName = want.PriorityClassName, want.ImagePullSecrets, want.RuntimeClassName
	if sc := want.SecurityContext; sc != nil {
		psc := spec.SecurityContext
		// Unset IDs are left to the platform (OpenShift's restricted SCC
		// assigns them from the namespace's range) or the image.
		psc.RunAsUser, psc.RunAsGroup, psc.FSGroup, psc.SupplementalGroups = sc.RunAsUser, sc.RunAsGroup, sc.FSGroup, sc.SupplementalGroups
	}
}

// under returns theirs with ours written over it; nil when both are empty.
func under(ours, theirs map[string]string) map[string]string {
	if len(ours) == 0 && len(theirs) == 0 {
		return nil
	}
	out := maps.Clone(theirs)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, ours)
	return out
}
