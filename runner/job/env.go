package job

import (
	"cmp"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/forecastrun/forecastrun/internal/runnerenv"
	"github.com/forecastrun/forecastrun/runner/objstore"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// The environment variables the controller sets on the runner container,
// named once in internal/runnerenv; here under the names this package has
// always exported.
const (
	EnvRunName                = runnerenv.RunName
	EnvRunNamespace           = runnerenv.RunNamespace
	EnvPodName                = runnerenv.PodName
	EnvFencingToken           = runnerenv.FencingToken
	EnvShards                 = runnerenv.Shards
	EnvDatasetFile            = runnerenv.DatasetFile
	EnvOutputDir              = runnerenv.OutputDir
	EnvAllowedHosts           = runnerenv.AllowedHosts
	EnvCompletionIndex        = runnerenv.CompletionIndex
	EnvReuseCandidates        = runnerenv.ReuseCandidates
	EnvDatasetAccessKeyID     = runnerenv.DatasetAccessKeyID
	EnvDatasetSecretAccessKey = runnerenv.DatasetSecretAccessKey
	EnvOutputAccessKeyID      = runnerenv.OutputAccessKeyID
	EnvOutputSecretAccessKey  = runnerenv.OutputSecretAccessKey
)

// scratchRoot holds results and checkpoints when the run has no output
// volume: the Pod's /tmp emptyDir, which survives container restarts but
// not a new Pod.
const scratchRoot = "/tmp/forecastrun"

// Env is the runner's view of its Pod.
type Env struct {
	RunName, Namespace, PodName string
	FencingToken                string
	Shards, Index               int
	// DatasetFile is the dataset's path when it is on a mounted claim.
	DatasetFile string
	// OutputRoot is the mounted output folder; results go to
	// OutputRoot/<run name>/. Empty when the run has no output volume.
	OutputRoot string
	// Egress is what a URL dataset and an object store may reach.
	Egress egress.Policy
	// ReuseCandidates maps a dataset digest to the run whose result was
	// computed from that data and may be taken (spec.reuse).
	ReuseCandidates map[string]string
	// DatasetCredentials and OutputCredentials are the access keys of an
	// objectStore dataset and output.
	DatasetCredentials, OutputCredentials objstore.Credentials
	// ScratchRoot replaces the scratch folder that holds results and
	// checkpoints when the run has no output claim: for tests, whose
	// shards each need one of their own as Pods on different nodes have.
	ScratchRoot string
	// Transport replaces the egress-guarded transport of object stores,
	// which then are not checked against Egress: for tests only.
	Transport http.RoundTripper
}

// EnvFromOS reads Env from the process environment.
func EnvFromOS() (Env, error) {
	e := Env{
		RunName:      os.Getenv(EnvRunName),
		Namespace:    os.Getenv(EnvRunNamespace),
		PodName:      os.Getenv(EnvPodName),
		FencingToken: os.Getenv(EnvFencingToken),
		DatasetFile:  os.Getenv(EnvDatasetFile),
		OutputRoot:   os.Getenv(EnvOutputDir),
		Shards:       1,
		DatasetCredentials: objstore.Credentials{
			AccessKeyID: os.Getenv(EnvDatasetAccessKeyID), SecretAccessKey: os.Getenv(EnvDatasetSecretAccessKey),
		},
		OutputCredentials: objstore.Credentials{
			AccessKeyID: os.Getenv(EnvOutputAccessKeyID), SecretAccessKey: os.Getenv(EnvOutputSecretAccessKey),
		},
	}
	if e.RunName == "" || e.Namespace == "" {
		return e, fmt.Errorf("%s and %s must be set: `runner job` runs inside a ForecastRun's Job", EnvRunName, EnvRunNamespace)
	}
	var err error
	if e.Egress, err = egress.Parse(os.Getenv(EnvAllowedHosts)); err != nil {
		return e, fmt.Errorf("%s: %w", EnvAllowedHosts, err)
	}
	e.ReuseCandidates = reuseCandidates(os.Getenv(EnvReuseCandidates))
	if e.Shards, err = intEnv(EnvShards, 1); err != nil {
		return e, err
	}
	if e.Index, err = intEnv(EnvCompletionIndex, 0); err != nil {
		return e, err
	}
	if e.Shards < 1 || e.Index < 0 || e.Index >= e.Shards {
		return e, fmt.Errorf("shard index %d is outside 0..%d", e.Index, e.Shards-1)
	}
	return e, nil
}

func intEnv(name string, def int) (int, error) {
	s := os.Getenv(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not an integer", name, s)
	}
	return v, nil
}

// ResultDir is where this run's files and checkpoints go.
func (e Env) ResultDir() string {
	return filepath.Join(cmp.Or(e.OutputRoot, e.ScratchRoot, scratchRoot), e.RunName)
}
