package testutil

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// ScheduleBuilder builds ForecastSchedules for tests.
type ScheduleBuilder struct{ s v1alpha1.ForecastSchedule }

// MakeForecastSchedule starts an hourly schedule of the run MakeForecastRun
// would build, with the defaults the API server would apply.
func MakeForecastSchedule(name, ns string) *ScheduleBuilder {
	run := MakeForecastRun(name, ns).Obj()
	return &ScheduleBuilder{v1alpha1.ForecastSchedule{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ForecastScheduleSpec{
			Schedule:                   "0 * * * *",
			RunTemplate:                v1alpha1.ForecastRunTemplate{Spec: run.Spec},
			ConcurrencyPolicy:          v1alpha1.ConcurrencyQueue,
			SuccessfulRunsHistoryLimit: ptr.To[int32](3),
			FailedRunsHistoryLimit:     ptr.To[int32](1),
		},
	}}
}

// Cron sets the schedule expression.
func (b *ScheduleBuilder) Cron(expr string) *ScheduleBuilder { b.s.Spec.Schedule = expr; return b }

// TimeZone sets the zone the schedule is read in.
func (b *ScheduleBuilder) TimeZone(z string) *ScheduleBuilder { b.s.Spec.TimeZone = z; return b }

// Policy sets the concurrency policy.
func (b *ScheduleBuilder) Policy(p v1alpha1.ConcurrencyPolicy) *ScheduleBuilder {
	b.s.Spec.ConcurrencyPolicy = p
	return b
}

// History sets the succeeded and failed history limits.
func (b *ScheduleBuilder) History(succeeded, failed int32) *ScheduleBuilder {
	b.s.Spec.SuccessfulRunsHistoryLimit, b.s.Spec.FailedRunsHistoryLimit = &succeeded, &failed
	return b
}

// Deadline sets startingDeadlineSeconds.
func (b *ScheduleBuilder) Deadline(seconds int64) *ScheduleBuilder {
	b.s.Spec.StartingDeadlineSeconds = &seconds
	return b
}

// Suspend sets spec.suspend.
func (b *ScheduleBuilder) Suspend(v bool) *ScheduleBuilder { b.s.Spec.Suspend = v; return b }

// RunLabels sets the labels of the run template.
func (b *ScheduleBuilder) RunLabels(l map[string]string) *ScheduleBuilder {
	b.s.Spec.RunTemplate.Metadata.Labels = l
	return b
}

// Obj returns a copy of the schedule built so far.
func (b *ScheduleBuilder) Obj() *v1alpha1.ForecastSchedule { return b.s.DeepCopy() }
