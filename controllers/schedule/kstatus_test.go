package schedule

import (
	"context"
	"testing"
	"time"

	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestScheduleHealthFollowsKstatus: a working or suspended schedule is
// Current, one that cannot be read is Failed, and one whose new spec the
// controller has not seen yet is InProgress, as Flux reads them.
func TestScheduleHealthFollowsKstatus(t *testing.T) {
	t.Parallel()
	ok := newFixture(t, testutil.MakeForecastSchedule("ks-ok", ""))
	ok.at(0, time.Second)
	testutil.AssertKstatus(t, ok.schedule(), "ForecastSchedule", kstatus.CurrentStatus)

	s := ok.schedule()
	s.Spec.Schedule = "30 * * * *"
	if err := k8sClient.Update(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	testutil.AssertKstatus(t, ok.schedule(), "ForecastSchedule", kstatus.InProgressStatus)
	ok.reconcile()
	testutil.AssertKstatus(t, ok.schedule(), "ForecastSchedule", kstatus.CurrentStatus)

	paused := newFixture(t, testutil.MakeForecastSchedule("ks-paused", "").Suspend(true))
	paused.at(0, 0)
	testutil.AssertKstatus(t, paused.schedule(), "ForecastSchedule", kstatus.CurrentStatus)

	bad := newFixture(t, testutil.MakeForecastSchedule("ks-bad", "").Cron("0 25 * * *"))
	bad.at(0, 0)
	testutil.AssertKstatus(t, bad.schedule(), "ForecastSchedule", kstatus.FailedStatus)
}
