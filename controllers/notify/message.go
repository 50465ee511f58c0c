package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// summary is what every message says about the run, whatever its format;
// the JSON format sends it as it is and CloudEvents as its data.
type summary struct {
	ID              string               `json:"id"`
	Phase           v1alpha1.NotifyPhase `json:"phase"`
	Time            string               `json:"time"`
	Run             runRef               `json:"run"`
	Message         string               `json:"message,omitempty"`
	ItemsForecast   *int32               `json:"itemsForecast,omitempty"`
	ItemsFailed     *int32               `json:"itemsFailed,omitempty"`
	ItemsTotal      int32                `json:"itemsTotal,omitempty"`
	Duration        string               `json:"duration,omitempty"`
	DurationSeconds *float64             `json:"durationSeconds,omitempty"`
	Score           string               `json:"score,omitempty"`
	Metric          string               `json:"metric,omitempty"`
	Results         string               `json:"results,omitempty"`
	Command         string               `json:"command"`
}

type runRef struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	UID       string `json:"uid"`
	Mode      string `json:"mode,omitempty"`
}

// summarize describes the run for the event e. Its time is the moment
// itself where the status keeps it (start, completion), else now.
func summarize(run *v1alpha1.ForecastRun, e v1alpha1.NotificationStatus, now time.Time) summary {
	st := &run.Status
	s := summary{
		ID: e.ID, Phase: e.Phase, Time: eventTime(run, e.Phase, now).UTC().Format(time.RFC3339),
		Run:     runRef{Name: run.Name, Namespace: run.Namespace, UID: string(run.UID), Mode: string(run.Spec.Mode)},
		Message: st.Message, Metric: string(run.Spec.Metric),
		Command: fmt.Sprintf("kubectl forecast results %s -n %s", run.Name, run.Namespace),
	}
	if s.Metric == "" {
		s.Metric = "RMSSE" // the API's default
	}
	if e.Phase == v1alpha1.NotifyPhase(v1alpha1.PhaseRunning) || e.Phase == v1alpha1.NotifyPreempted {
		s.Command = fmt.Sprintf("kubectl forecast watch %s -n %s", run.Name, run.Namespace)
	}
	if st.Progress != nil {
		s.ItemsTotal = st.Progress.ItemsTotal
	}
	if r := st.Result; r != nil && finalPhase(e.Phase) {
		s.ItemsForecast, s.ItemsFailed = &r.ItemsForecast, &r.ItemsFailed
		s.Score, s.Results = r.Score, r.OutputPath
	}
	if st.StartTime != nil && st.CompletionTime != nil && finalPhase(e.Phase) {
		d := st.CompletionTime.Sub(st.StartTime.Time)
		secs := d.Seconds()
		s.Duration, s.DurationSeconds = d.Round(time.Second).String(), &secs
	}
	return s
}

func finalPhase(p v1alpha1.NotifyPhase) bool {
	return p != v1alpha1.NotifyPhase(v1alpha1.PhaseRunning) && p != v1alpha1.NotifyPreempted
}

func eventTime(run *v1alpha1.ForecastRun, phase v1alpha1.NotifyPhase, now time.Time) time.Time {
	switch {
	case phase == v1alpha1.NotifyPhase(v1alpha1.PhaseRunning) && run.Status.StartTime != nil:
		return run.Status.StartTime.Time
	case finalPhase(phase) && run.Status.CompletionTime != nil:
		return run.Status.CompletionTime.Time
	}
	return now
}

// headline is the message in one sentence, for people: the Slack text.
func (s summary) headline() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ForecastRun %s in namespace %s ", s.Run.Name, s.Run.Namespace)
	switch s.Phase {
	case v1alpha1.NotifyPhase(v1alpha1.PhaseRunning):
		b.WriteString("is running")
		if s.ItemsTotal > 0 {
			fmt.Fprintf(&b, " (%d items)", s.ItemsTotal)
		}
	case v1alpha1.NotifyPreempted:
		b.WriteString("was preempted by an Urgent run and waits in the queue again")
	default:
		fmt.Fprintf(&b, "%s", s.Phase)
		if s.ItemsForecast != nil {
			fmt.Fprintf(&b, ": %d items forecast", *s.ItemsForecast)
			if *s.ItemsFailed > 0 {
				fmt.Fprintf(&b, ", %d failed", *s.ItemsFailed)
			}
		}
		if s.Duration != "" {
			fmt.Fprintf(&b, " in %s", s.Duration)
		}
		if s.Score != "" {
			fmt.Fprintf(&b, ", score %s (%s, lower is better)", s.Score, s.Metric)
		}
	}
	b.WriteString(".")
	if s.Message != "" && s.Phase != v1alpha1.NotifyPhase(v1alpha1.PhaseSucceeded) {
		fmt.Fprintf(&b, " %s.", strings.TrimSuffix(s.Message, "."))
	}
	if s.Results != "" {
		fmt.Fprintf(&b, " Results: %s.", s.Results)
	}
	return b.String()
}

// body is the request body and its content type for format.
func body(format v1alpha1.NotifyFormat, s summary) ([]byte, string, error) {
	switch format {
	case v1alpha1.NotifySlack:
		// An incoming webhook takes text with Slack's own markup: the
		// command goes in backticks so that it can be copied as it is.
		b, err := json.Marshal(map[string]string{"text": s.headline() + " See it with `" + s.Command + "`"})
		return b, "application/json", err
	case v1alpha1.NotifyCloudEvents:
		b, err := json.Marshal(cloudEvent(s))
		return b, "application/cloudevents+json; charset=utf-8", err
	}
	b, err := json.Marshal(s)
	return b, "application/json", err
}

// cloudEvent wraps s as a CloudEvents 1.0 event in structured content mode
// (its JSON event format): the required specversion, id, source and type,
// with subject, time and the summary as JSON data.
func cloudEvent(s summary) map[string]any {
	return map[string]any{
		"specversion":     "1.0",
		"id":              s.ID,
		"source":          fmt.Sprintf("/apis/forecasting.dev/v1alpha1/namespaces/%s/forecastruns/%s", s.Run.Namespace, s.Run.Name),
		"type":            "dev.forecasting.forecastrun." + strings.ToLower(string(s.Phase)),
		"subject":         s.Run.Name,
		"time":            s.Time,
		"datacontenttype": "application/json",
		"data":            s,
	}
}
