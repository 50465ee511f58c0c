package controllers

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Metrics on the manager's /metrics endpoint. Counters and histograms are
// observed when a status write succeeds; the gauges (runs by phase, queue
// depth) are computed from the cache when Prometheus scrapes, so they can
// never drift from the objects.
var (
	queueWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "forecastrun_queue_wait_seconds",
		Help:    "Time from a run's creation to its first admission.",
		Buckets: prometheus.ExponentialBuckets(0.5, 2, 14),
	}, []string{"namespace", "lock"})
	lockTakeovers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "forecastrun_lock_takeovers_total",
		Help: "Stale lock Leases taken over from a holder that was gone, finished or silent.",
	}, []string{"namespace", "lock"})
	runDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "forecastrun_run_duration_seconds",
		Help:    "Time from a run's start to its end, by mode.",
		Buckets: prometheus.ExponentialBuckets(1, 2, 14),
	}, []string{"mode", "phase"})

	runsDesc = prometheus.NewDesc("forecastrun_runs",
		"ForecastRuns by namespace and phase.", []string{"namespace", "phase"}, nil)
	queueDepthDesc = prometheus.NewDesc("forecastrun_queue_depth",
		"Runs waiting in the queue of a lock.", []string{"namespace", "lock"}, nil)

	registerOnce sync.Once
	collector    = &runCollector{}
)

// registerMetrics registers the metrics once per process and points the
// gauges at the newest manager's cache.
func registerMetrics(reader client.Reader) {
	collector.reader.Store(&reader)
	registerOnce.Do(func() {
		metrics.Registry.MustRegister(queueWait, lockTakeovers, runDuration, collector)
	})
}

// observeDuration records a finished run's duration once its status is
// written.
func (p *pass) observeDuration() {
	run := p.run
	if run.Status.StartTime == nil || run.Status.CompletionTime == nil {
		return
	}
	secs := run.Status.CompletionTime.Sub(run.Status.StartTime.Time).Seconds()
	mode, phase := string(run.Spec.Mode), string(run.Status.Phase)
	p.onWritten(func() { runDuration.WithLabelValues(mode, phase).Observe(secs) })
}

// runCollector computes the gauges from cached runs at scrape time.
type runCollector struct {
	reader atomic.Pointer[client.Reader]
}

func (c *runCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- runsDesc
	ch <- queueDepthDesc
}

func (c *runCollector) Collect(ch chan<- prometheus.Metric) {
	reader := c.reader.Load()
	if reader == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var list v1alpha1.ForecastRunList
	if err := (*reader).List(ctx, &list); err != nil {
		return // the cache is not ready; report nothing rather than zeros
	}
	byPhase, depth := countRuns(list.Items)
	for k, n := range byPhase {
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
	for k, n := range depth {
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

// countRuns counts runs by (namespace, phase) and queued runs by
// (namespace, lock).
func countRuns(runs []v1alpha1.ForecastRun) (byPhase, depth map[[2]string]int) {
	byPhase, depth = map[[2]string]int{}, map[[2]string]int{}
	for i := range runs {
		run := &runs[i]
		byPhase[[2]string{run.Namespace, string(phaseOrPending(run))}]++
		if run.Waiting() {
			depth[[2]string{run.Namespace, run.Spec.LockName}]++
		}
	}
	return byPhase, depth
}
