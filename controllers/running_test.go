package controllers

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

func TestFailedMessageLeadsWithTheRunnersError(t *testing.T) {
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "r-runner"}}
	cond := &batchv1.JobCondition{Reason: "PodFailurePolicy", Message: "Container runner for pod ns/r-runner-x failed with exit code 3"}
	jobPart := "runner Job r-runner failed: PodFailurePolicy: Container runner for pod ns/r-runner-x failed with exit code 3"
	cases := []struct {
		name   string
		shards []v1alpha1.ShardStatus
		want   string
	}{
		{"no report", nil, jobPart},
		{"current hold's error", []v1alpha1.ShardStatus{
			{Index: 0, FencingToken: "2/u", Message: "forecasting"},
			{Index: 1, FencingToken: "2/u", Message: "failed: loading the dataset: configmap/s/d.csv:3:3: bad"},
		}, "shard 1 failed: loading the dataset: configmap/s/d.csv:3:3: bad (" + jobPart + ")"},
		{"an older hold's error is ignored", []v1alpha1.ShardStatus{
			{Index: 0, FencingToken: "1/u", Message: "failed: stale"},
		}, jobPart},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := &v1alpha1.ForecastRun{Status: v1alpha1.ForecastRunStatus{FencingToken: "2/u", Shards: tc.shards}}
			if got := failedMessage(run, job, cond); got != tc.want {
				t.Errorf("failedMessage =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
