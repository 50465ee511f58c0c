package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns,verbs=get;list;watch
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns/status,verbs=get;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// FieldManager owns status.notifications.
const FieldManager = "forecastrun-notifier"

// conflictRetry is how soon a pass that read an outdated run runs again.
const conflictRetry = 200 * time.Millisecond

// Reconciler sends the notifications of runs that ask for them.
type Reconciler struct {
	client.Client
	// Secrets reads the targets' Secrets straight from the API server: the
	// manager neither caches nor watches Secrets, so it needs only get.
	Secrets  client.Reader
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	// HTTPClient posts the messages. NewHTTPClient makes one that applies
	// the manager's URL policy.
	HTTPClient *http.Client
	// FirstBackoff is the wait after a first failed attempt, doubled after
	// each further one (0: DefaultFirstBackoff).
	FirstBackoff time.Duration
	// AttemptTimeout bounds one delivery (0: DefaultAttemptTimeout).
	AttemptTimeout time.Duration
}

func (r *Reconciler) attemptTimeout() time.Duration {
	if r.AttemptTimeout > 0 {
		return r.AttemptTimeout
	}
	return DefaultAttemptTimeout
}

func (r *Reconciler) firstBackoff() time.Duration {
	if r.FirstBackoff > 0 {
		return r.FirstBackoff
	}
	return DefaultFirstBackoff
}

// NewHTTPClient posts through policy's checks (every address dialled,
// after name resolution) and follows no redirects: a webhook answers
// where it is, and a redirect is reported as the answer.
func NewHTTPClient(policy egress.Policy) *http.Client {
	return &http.Client{
		Transport:     policy.Transport(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// SetupWithManager watches runs that have targets to notify.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	wantsNotify := predicate.NewPredicateFuncs(func(o client.Object) bool {
		run, ok := o.(*v1alpha1.ForecastRun)
		return ok && len(run.Spec.Notify) > 0
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("forecastrun-notify").
		For(&v1alpha1.ForecastRun{}, builder.WithPredicates(wantsNotify)).
		WithOptions(opts).
		Complete(r)
}

// Reconcile reads a run, plans, records the plan (new messages, attempts
// begun) with the resourceVersion it read, so that a pass acting on an
// outdated view sends nothing, then sends and records the outcomes.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var run v1alpha1.ForecastRun
	if err := r.Get(ctx, req.NamespacedName, &run); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	now := r.Clock.Now()
	p := decide(&run, now, r.attemptTimeout())
	if p.changed {
		if err := r.apply(ctx, &run, p.entries, run.ResourceVersion); err != nil {
			if apierrors.IsConflict(err) {
				return ctrl.Result{RequeueAfter: conflictRetry}, nil
			}
			return ctrl.Result{}, err
		}
	}
	if len(p.send) > 0 {
		r.deliver(ctx, &run, p)
		if err := r.apply(ctx, &run, p.entries, ""); err != nil {
			return ctrl.Result{}, err
		}
	}
	if wake := nextAttempt(&run, p.entries); !wake.IsZero() {
		return ctrl.Result{RequeueAfter: max(wake.Sub(r.Clock.Now()), 10*time.Millisecond)}, nil
	}
	return ctrl.Result{}, nil
}

// deliver sends each message p begun and writes its outcome into
// p.entries, with an event on the run for each message sent or given up.
func (r *Reconciler) deliver(ctx context.Context, run *v1alpha1.ForecastRun, p plan) {
	for _, msg := range p.send {
		i := indexOf(p.entries, msg)
		target := targetOf(run, msg.Target)
		o := r.send(ctx, run, *target, msg)
		conclude(&p.entries[i], o, r.Clock.Now(), r.firstBackoff())
		switch e := p.entries[i]; e.State {
		case v1alpha1.NotificationSent:
			r.Recorder.Eventf(run, nil, corev1.EventTypeNormal, "NotificationSent", "Notify",
				"told %s that the run is %s (attempt %d)", e.Target, e.Phase, e.Attempts)
		case v1alpha1.NotificationFailed:
			r.Recorder.Eventf(run, nil, corev1.EventTypeWarning, "NotificationFailed", "Notify",
				"gave up telling %s that the run is %s after %d attempts: %s", e.Target, e.Phase, e.Attempts, e.LastError)
		}
	}
}

// send makes one attempt of msg to target.
func (r *Reconciler) send(ctx context.Context, run *v1alpha1.ForecastRun, target v1alpha1.NotifyTarget, msg v1alpha1.NotificationStatus) outcome {
	u, o := targetURL(ctx, r.Secrets, run.Namespace, target.URLSecretRef)
	if o.err != nil {
		return o
	}
	payload, contentType, err := body(target.Format, summarize(run, msg, r.Clock.Now()))
	if err != nil {
		return outcome{err: fmt.Errorf("encoding the message: %w", err), permanent: true}
	}
	return post(ctx, r.HTTPClient, u, payload, contentType, r.attemptTimeout())
}

// apply writes entries as the whole of status.notifications under the
// notifier's field manager. With resourceVersion set the write succeeds
// only if the run has not changed since it was read.
func (r *Reconciler) apply(ctx context.Context, run *v1alpha1.ForecastRun, entries []v1alpha1.NotificationStatus, resourceVersion string) error {
	meta := map[string]any{"name": run.Name, "namespace": run.Namespace}
	if resourceVersion != "" {
		meta["resourceVersion"] = resourceVersion
	}
	patch, err := json.Marshal(map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": "ForecastRun",
		"metadata": meta, "status": map[string]any{"notifications": entries},
	})
	if err != nil {
		return err
	}
	if err := r.Status().Patch(ctx, run, client.RawPatch(types.ApplyPatchType, patch), client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("recording the notifications of %s: %w", run.Name, err)
	}
	return nil
}

// indexOf finds msg's entry by its key.
func indexOf(entries []v1alpha1.NotificationStatus, msg v1alpha1.NotificationStatus) int {
	for i, e := range entries {
		if e.Target == msg.Target && e.ID == msg.ID {
			return i
		}
	}
	panic("notify: a message to send has no entry") // decide puts every one there
}

// nextAttempt is when the earliest Pending entry of a target still in the
// spec falls due, or zero.
func nextAttempt(run *v1alpha1.ForecastRun, entries []v1alpha1.NotificationStatus) time.Time {
	var wake time.Time
	for _, e := range entries {
		if e.State != v1alpha1.NotificationPending || e.NextAttemptAt == nil || targetOf(run, e.Target) == nil {
			continue
		}
		if wake.IsZero() || e.NextAttemptAt.Time.Before(wake) {
			wake = e.NextAttemptAt.Time
		}
	}
	return wake
}
