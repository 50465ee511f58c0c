package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestChildOfAnotherOwnerIsNotAdopted (defect 5): a run is deleted and
// created again under the same name (kubectl replace --force, a GitOps
// Replace) while the garbage collector has not yet removed the first run's
// ServiceAccount. The new run must not take that ServiceAccount as its own
// (the collector would delete it mid-run): it says so in a condition and an
// event and waits; once the old one is gone it creates its own.
func TestChildOfAnotherOwnerIsNotAdopted(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	create(t, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{
		Name: "replaced-runner", Namespace: ns,
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: v1alpha1.GroupVersion.String(), Kind: "ForecastRun", Name: "replaced",
			UID: "0b5e7a4e-1c51-4f44-8a59-3c2f7b2d9e01", Controller: ptr.To(true),
		}},
	}})
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("replaced", ns).Obj())
	eventually(t, 20*time.Second, "the conflict is reported", func() error {
		c := findCondition(getRun(t, ns, "replaced"), v1alpha1.ConditionRunning)
		if c == nil || c.Reason != v1alpha1.ReasonChildConflict || !strings.Contains(c.Message, "ServiceAccount replaced-runner") {
			return fmt.Errorf("running condition %+v", c)
		}
		return nil
	})
	eventually(t, 10*time.Second, "a warning event", eventsAre(ns, "replaced", v1alpha1.ReasonChildConflict))
	consistently(t, 2*time.Second, "no Job while the ServiceAccount is someone else's", func() error {
		if n := len(listJobs(t, ns)); n != 0 {
			return fmt.Errorf("%d jobs", n)
		}
		return nil
	})

	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "replaced-runner", Namespace: ns}}
	if err := k8sClient.Delete(context.Background(), sa); err != nil {
		t.Fatalf("deleting the old ServiceAccount as the garbage collector would: %v", err)
	}
	waitJob(t, ns, "replaced-runner")
	run := getRun(t, ns, "replaced")
	eventually(t, 10*time.Second, "the run's own ServiceAccount", func() error {
		var mine corev1.ServiceAccount
		if err := k8sClient.Get(context.Background(), keyOf(ns, "replaced-runner"), &mine); err != nil {
			return err
		}
		if !metav1.IsControlledBy(&mine, run) {
			return fmt.Errorf("owner references %+v", mine.OwnerReferences)
		}
		return nil
	})
}

// TestRefusedJobFailsTheRun (defect 4): a run whose Job the API server
// refuses for good (here requests above limits) fails at once with the
// server's message and lets go of the lock, instead of holding it while
// the creation fails forever.
func TestRefusedJobFailsTheRun(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	bad := testutil.MakeForecastRun("greedy", ns).Obj()
	bad.Spec.Resources = &corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")},
	}
	create(t, bad)
	run := waitPhase(t, ns, "greedy", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonJobRefused || !strings.Contains(c.Message, "must be less than or equal to cpu limit") {
		t.Errorf("failed condition = %+v, want reason %s with the API server's message", c, v1alpha1.ReasonJobRefused)
	}
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
	create(t, testutil.MakeForecastRun("next", ns).Horizon(2).Obj())
	waitPhase(t, ns, "next", v1alpha1.PhaseRunning)
	waitJob(t, ns, "next-runner")
}

// TestTimeoutFiresWhenTheJobCannotBeCreated (defect 4): a quota refuses the
// run's Job. The refusal may pass, so the run waits and says why, but its
// timeout still fires (the branch that retried the creation used to come
// first, so it never did).
func TestTimeoutFiresWhenTheJobCannotBeCreated(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	quota := &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "no-jobs", Namespace: ns},
		Spec:       corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"count/jobs.batch": resource.MustParse("0")}},
	}
	create(t, quota)
	quota.Status = corev1.ResourceQuotaStatus{ // as the quota controller would report it
		Hard: corev1.ResourceList{"count/jobs.batch": resource.MustParse("0")},
		Used: corev1.ResourceList{"count/jobs.batch": resource.MustParse("0")},
	}
	if err := k8sClient.Status().Update(context.Background(), quota); err != nil {
		t.Fatalf("reporting the quota's usage: %v", err)
	}
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("blocked", ns).Timeout(metav1.Duration{Duration: 3 * time.Second}).Obj())
	eventually(t, 20*time.Second, "the run says why it has no Job", func() error {
		if c := findCondition(getRun(t, ns, "blocked"), v1alpha1.ConditionRunning); c == nil || !strings.Contains(c.Message, "exceeded quota") {
			return fmt.Errorf("running condition %+v", c)
		}
		return nil
	})
	run := waitPhase(t, ns, "blocked", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonTimeout {
		t.Errorf("failed condition = %+v, want reason %s", c, v1alpha1.ReasonTimeout)
	}
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
}

// TestParallelShardsNeedASharedOutputClaim (defect 11): shards on
// different nodes can all mount only a ReadWriteMany claim; on a
// ReadWriteOnce claim the second node's Pods hang on Multi-Attach. A
// sharded run whose output claim is not ReadWriteMany is refused before it
// takes the lock, saying why; one whose claim is runs.
func TestParallelShardsNeedASharedOutputClaim(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	for name, mode := range map[string]corev1.PersistentVolumeAccessMode{"single": corev1.ReadWriteOnce, "shared": corev1.ReadWriteMany} {
		create(t, &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{mode},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
			},
		})
	}
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("on-single", ns).Parallelism(3).Output("single", "runs").Obj())
	run := waitPhase(t, ns, "on-single", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonOutputNotShared ||
		!strings.Contains(c.Message, "ReadWriteMany") || !strings.Contains(c.Message, "single") {
		t.Errorf("failed condition = %+v, want reason %s naming the claim and ReadWriteMany", c, v1alpha1.ReasonOutputNotShared)
	}
	if n := len(listJobs(t, ns)); n != 0 {
		t.Errorf("%d jobs for a refused run", n)
	}
	create(t, testutil.MakeForecastRun("on-shared", ns).Parallelism(3).Output("shared", "runs").Obj())
	job := waitJob(t, ns, "on-shared-runner")
	if p := job.Spec.Template.Spec.SecurityContext.FSGroupChangePolicy; p == nil || *p != corev1.FSGroupChangeOnRootMismatch {
		t.Errorf("fsGroupChangePolicy = %v, want OnRootMismatch: a large results volume is not re-chowned on every Pod start", p)
	}
}
