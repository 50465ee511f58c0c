package main

import (
	"context"
	"fmt"
	"log/slog"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/job"
)

const jobSynopsis = `job

Runs inside a ForecastRun's Job Pod: reads the run named by FORECASTRUN_NAME
in FORECASTRUN_NAMESPACE, forecasts this Pod's shard (JOB_COMPLETION_INDEX of
FORECASTRUN_SHARDS), reports progress into the run's status and writes the
result files. Exits 3 when the failure is permanent (a malformed dataset), so
the Job fails at once instead of retrying.`

func runJob(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("job", jobSynopsis, e)
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole shard to this file (go tool pprof reads it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	jobEnv, err := job.EnvFromOS()
	if err != nil {
		return usageError{err}
	}
	c, err := newClient()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil)).With("run", jobEnv.Namespace+"/"+jobEnv.RunName, "shard", jobEnv.Index)
	log.Info("starting shard", "shards", jobEnv.Shards)
	r := &job.Runner{Client: c, Env: jobEnv, Log: log}
	if err := r.Run(ctx); err != nil {
		return err
	}
	log.Info("shard finished")
	return nil
}

// newClient connects with the Pod's ServiceAccount (in-cluster config, or
// KUBECONFIG when run by hand outside a Pod). The client is uncached:
// the runner may only get its own run and its dataset ConfigMap.
func newClient() (client.Client, error) {
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("finding the API server: %w", err)
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("creating the API client: %w", err)
	}
	return c, nil
}
