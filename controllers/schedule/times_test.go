package schedule

import (
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

func mustParse(t *testing.T, expr, zone string) interface{ Next(time.Time) time.Time } {
	t.Helper()
	s, err := parseSchedule(&v1alpha1.ForecastScheduleSpec{Schedule: expr, TimeZone: zone})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseScheduleErrorsNameTheProblem(t *testing.T) {
	cases := []struct{ expr, zone, want string }{
		{"61 * * * *", "", `cannot read schedule "61 * * * *"`},
		{"0 2 * * *", "Mars/Olympus", `unknown timeZone "Mars/Olympus"`},
		{"@every 5m", "", "is not a calendar schedule"},
	}
	for _, tc := range cases {
		_, err := parseSchedule(&v1alpha1.ForecastScheduleSpec{Schedule: tc.expr, TimeZone: tc.zone})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseSchedule(%q, %q) = %v, want an error containing %q", tc.expr, tc.zone, err, tc.want)
		}
	}
}

func TestScheduleHonoursTimeZone(t *testing.T) {
	s := mustParse(t, "0 2 * * *", "Europe/Berlin")
	got := s.Next(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("02:00 in Berlin in November = %s UTC, want %s", got.UTC(), want)
	}
}

func TestLatestDue(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		expr       string
		after, now time.Time
		want       time.Time
		count      int
	}{
		{"nothing due yet", "0 * * * *", t0, t0.Add(59 * time.Minute), time.Time{}, 0},
		{"exactly on time", "0 * * * *", t0, t0.Add(time.Hour), t0.Add(time.Hour), 1},
		{"three missed: the latest, counted", "0 * * * *", t0, t0.Add(3*time.Hour + 5*time.Minute), t0.Add(3 * time.Hour), 3},
		{"a year of minutes: the latest, count capped", "* * * * *", t0, t0.AddDate(1, 0, 0).Add(30 * time.Second), t0.AddDate(1, 0, 0), maxCounted},
		{"sparse schedule after a long gap", "0 2 1 1 *", t0.AddDate(-300, 0, 0), t0, time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC), maxCounted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, n := latestDue(mustParse(t, tc.expr, ""), tc.after, tc.now)
			if !got.Equal(tc.want) || n != tc.count {
				t.Errorf("latestDue = %s, %d; want %s, %d", got, n, tc.want, tc.count)
			}
		})
	}
}

func TestRunNameIsUTCAndFitsAJobName(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, berlin)
	if got, want := runName("nightly-full", at), "nightly-full-20261128-0100"; got != want {
		t.Errorf("runName = %q, want %q", got, want)
	}
	// The API server limits schedule names to 40 characters; the Job of the
	// longest run name must still fit the 63 characters of a label value.
	if n := len(runName(strings.Repeat("s", 40), at) + "-runner"); n > 63 {
		t.Errorf("longest Job name is %d characters, over 63", n)
	}
}
