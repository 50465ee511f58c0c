package schedule

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestScheduleHealthFollowsKstatus: a working or suspended schedule is
// Current, one that cannot be read is Failed, and one whose new spec the
// controller has not seen yet is InProgress, as Flux reads them.
func TestScheduleHealthFollowsKstatus(t *testing.T) {
	t.Parallel()
	ok := newFixture(t, testutil.MakeForecastSchedule("ks-ok", ""))
	ok.at(0, time.Second)
	assertScheduleKstatus(t, ok.schedule(), kstatus.CurrentStatus)

	s := ok.schedule()
	s.Spec.Schedule = "30 * * * *"
	if err := k8sClient.Update(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	assertScheduleKstatus(t, ok.schedule(), kstatus.InProgressStatus)
	ok.reconcile()
	assertScheduleKstatus(t, ok.schedule(), kstatus.CurrentStatus)

	paused := newFixture(t, testutil.MakeForecastSchedule("ks-paused", "").Suspend(true))
	paused.at(0, 0)
	assertScheduleKstatus(t, paused.schedule(), kstatus.CurrentStatus)

	bad := newFixture(t, testutil.MakeForecastSchedule("ks-bad", "").Cron("0 25 * * *"))
	bad.at(0, 0)
	assertScheduleKstatus(t, bad.schedule(), kstatus.FailedStatus)
}

func assertScheduleKstatus(t *testing.T, s *v1alpha1.ForecastSchedule, want kstatus.Status) {
	t.Helper()
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(s)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: obj}
	u.SetAPIVersion(v1alpha1.GroupVersion.String())
	u.SetKind("ForecastSchedule")
	res, err := kstatus.Compute(u)
	if err != nil {
		t.Fatalf("kstatus of %s: %v", s.Name, err)
	}
	if res.Status != want {
		t.Errorf("kstatus of %s = %s (%s), want %s", s.Name, res.Status, res.Message, want)
	}
}
