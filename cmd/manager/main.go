// Command manager runs the ForecastRun and ForecastSchedule controllers.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"time"
	// ForecastSchedule's timeZone needs the IANA database; embedding it
	// keeps schedules working on images without /usr/share/zoneinfo, such
	// as the one hack/image builds.
	_ "time/tzdata"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/controllers"
	"github.com/forecastrun/forecastrun/controllers/notify"
	"github.com/forecastrun/forecastrun/controllers/schedule"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// leaderElectionID names the manager's own Lease; it is distinct from every
// lock Lease, which are named by the runs' spec.lockName.
const leaderElectionID = "forecastrun-manager.forecasting.dev"

type options struct {
	metricsAddr, probeAddr string
	metricsSecure          bool
	metricsCertDir         string
	enableHTTP2            bool
	leaderElect            bool
	workers                int
	cfg                    controllers.Config
	// egress is the URL policy of dataset downloads, which webhooks of
	// spec.notify share.
	egress egress.Policy
	clock  schedule.Clock
	zap    zap.Options
}

func parseFlags(args []string) (options, error) {
	o := options{cfg: controllers.DefaultConfig()}
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8443", "address of the Prometheus metrics endpoint; 0 turns it off")
	fs.BoolVar(&o.metricsSecure, "metrics-secure", true, "serve metrics over HTTPS to clients whose token the API server authenticates and who may get /metrics; false serves plain HTTP to anyone")
	fs.StringVar(&o.metricsCertDir, "metrics-cert-dir", "", "folder with tls.crt and tls.key for the metrics endpoint (cert-manager's Secret, say), reloaded when they change; empty uses a self-signed certificate")
	fs.BoolVar(&o.enableHTTP2, "enable-http2", false, "allow HTTP/2 on the metrics endpoint; off by default against HTTP/2 Stream Cancellation and Rapid Reset (CVE-2023-44487, CVE-2023-39325)")
	allowedHosts := fs.String("dataset-allowed-hosts", "", "comma-separated hosts (data.corp), wildcards (*.svc.cluster.local) and address ranges (10.0.0.0/8) that URL datasets may be downloaded from, and spec.notify webhooks posted to, on private addresses; loopback, link-local and cloud metadata addresses are refused whatever this says")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "address of the /healthz and /readyz endpoints")
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "elect a leader so that only one of several replicas reconciles")
	fs.IntVar(&o.workers, "workers", 4, "runs reconciled in parallel")
	fs.StringVar(&o.cfg.RunnerImage, "runner-image", o.cfg.RunnerImage, "container image of the runner Job")
	fs.DurationVar(&o.cfg.LeaseDuration, "lease-duration", o.cfg.LeaseDuration, "how long a lock Lease stays valid without renewal")
	fs.DurationVar(&o.cfg.DefaultStartupTimeout, "default-startup-timeout", o.cfg.DefaultStartupTimeout, "how long the runner Pods of a run that sets no spec.startupTimeout may take to start before it fails and lets go of the lock; 0 turns it off")
	fs.DurationVar(&o.cfg.DefaultProgressDeadline, "default-progress-deadline", o.cfg.DefaultProgressDeadline, "how long the progress of a run that sets no spec.progressDeadline may stand still before it fails; 0 turns it off")
	fs.DurationVar(&o.cfg.DefaultTTLAfterFinished, "default-ttl-after-finished", o.cfg.DefaultTTLAfterFinished, "how long a finished run that sets no spec.ttlSecondsAfterFinished is kept before it is deleted; 0 keeps it")
	fs.DurationVar(&o.cfg.JobTTL, "job-ttl", o.cfg.JobTTL, "how long a finished runner Job (and its Pods' logs) is kept after its run recorded the end; the controller deletes it then")
	clockSpeed := fs.Float64("schedule-clock-speed", 1, "for tests and demos only: schedules read a clock running this many times faster than real time")
	clockStart := fs.String("schedule-clock-start", "", "for tests and demos only: the real time (RFC 3339) from which the fast schedule clock runs; managers given the same start agree on the time")
	o.zap.BindFlags(fs)
	// --kubeconfig is registered by controller-runtime on the global set.
	fs.Var(flagValueOf("kubeconfig"), "kubeconfig", "path to a kubeconfig; in-cluster config when unset")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.cfg.LeaseDuration < 3*time.Second {
		return o, fmt.Errorf("--lease-duration must be at least 3s, got %s", o.cfg.LeaseDuration)
	}
	for name, d := range map[string]time.Duration{"--job-ttl": o.cfg.JobTTL, "--default-startup-timeout": o.cfg.DefaultStartupTimeout, "--default-progress-deadline": o.cfg.DefaultProgressDeadline, "--default-ttl-after-finished": o.cfg.DefaultTTLAfterFinished} {
		if d < 0 {
			return o, fmt.Errorf("%s must not be negative, got %s", name, d)
		}
	}
	allowed, err := egress.Parse(*allowedHosts)
	if err != nil {
		return o, fmt.Errorf("--dataset-allowed-hosts: %w", err)
	}
	o.cfg.DatasetAllowedHosts = allowed.String()
	o.egress = allowed
	o.clock, err = scheduleClock(*clockSpeed, *clockStart)
	return o, err
}

// metricsOptions serves metrics as kubebuilder's scaffold does: over HTTPS,
// to clients that present a token the API server authenticates
// (TokenReview) and that may get /metrics (SubjectAccessReview), such as a
// Prometheus bound to the forecastrun-metrics-reader ClusterRole.
func metricsOptions(o options) metricsserver.Options {
	m := metricsserver.Options{BindAddress: o.metricsAddr, SecureServing: o.metricsSecure}
	if !o.metricsSecure {
		return m
	}
	m.FilterProvider = filters.WithAuthenticationAndAuthorization
	m.CertDir = o.metricsCertDir
	if !o.enableHTTP2 {
		m.TLSOpts = append(m.TLSOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	return m
}

// scheduleClock is the wall clock unless a faster one was asked for.
func scheduleClock(speed float64, start string) (schedule.Clock, error) {
	if speed == 1 && start == "" {
		return schedule.RealClock{}, nil
	}
	from := time.Now()
	if start != "" {
		var err error
		if from, err = time.Parse(time.RFC3339, start); err != nil {
			return nil, fmt.Errorf("--schedule-clock-start must be an RFC 3339 time such as 2026-11-27T12:00:00Z: %w", err)
		}
	}
	c, err := schedule.NewFastClock(from, speed)
	if err != nil {
		return nil, fmt.Errorf("--schedule-clock-speed: %w", err)
	}
	return c, nil
}

// flagValueOf forwards a flag of our set to the same-named global flag.
func flagValueOf(name string) flag.Value { return flag.CommandLine.Lookup(name).Value }

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&o.zap)))
	if err := run(ctrl.SetupSignalHandler(), ctrl.GetConfigOrDie(), o); err != nil {
		ctrl.Log.Error(err, "running the manager")
		os.Exit(1)
	}
}

// run runs the manager against the cluster of cfg until ctx ends.
func run(ctx context.Context, cfg *rest.Config, o options) error {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return fmt.Errorf("registering built-in types: %w", err)
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return fmt.Errorf("registering ForecastRun types: %w", err)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsOptions(o),
		HealthProbeBindAddress: o.probeAddr,
		LeaderElection:         o.leaderElect,
		LeaderElectionID:       leaderElectionID,
		Cache:                  controllers.CacheOptions(),
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	r := &controllers.Reconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Scheme: scheme,
		Recorder: mgr.GetEventRecorder("forecasting.dev-forecastrun"), Clock: clock.RealClock{}, Config: o.cfg,
	}
	if err := r.SetupWithManager(mgr, controller.Options{MaxConcurrentReconciles: o.workers}); err != nil {
		return fmt.Errorf("setting up the ForecastRun controller: %w", err)
	}
	sr := &schedule.Reconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Scheme: scheme,
		Recorder: mgr.GetEventRecorder("forecasting.dev-forecastschedule"), Clock: o.clock,
	}
	if err := sr.SetupWithManager(mgr, controller.Options{MaxConcurrentReconciles: 2}); err != nil {
		return fmt.Errorf("setting up the ForecastSchedule controller: %w", err)
	}
	nr := &notify.Reconciler{
		Client: mgr.GetClient(), Secrets: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("forecasting.dev-notifier"),
		Clock: clock.RealClock{}, HTTPClient: notify.NewHTTPClient(o.egress),
	}
	if err := nr.SetupWithManager(mgr, controller.Options{MaxConcurrentReconciles: 2}); err != nil {
		return fmt.Errorf("setting up the notifier: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("adding the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("adding the readiness check: %w", err)
	}
	ctrl.Log.Info("starting the manager", "runnerImage", o.cfg.RunnerImage, "leaseDuration", o.cfg.LeaseDuration,
		"metricsSecure", o.metricsSecure, "datasetAllowedHosts", o.cfg.DatasetAllowedHosts)
	return mgr.Start(ctx)
}
