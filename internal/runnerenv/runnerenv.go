package runnerenv

const (
	RunName      = "FORECASTRUN_NAME"
	RunNamespace = "FORECASTRUN_NAMESPACE"
	PodName      = "FORECASTRUN_POD_NAME"
	FencingToken = "FORECASTRUN_FENCING_TOKEN"
	Shards       = "FORECASTRUN_SHARDS"
	DatasetFile  = "FORECASTRUN_DATASET_FILE"
	OutputDir    = "FORECASTRUN_OUTPUT_DIR"
	// AllowedHosts is the manager's --dataset-allowed-hosts: the hosts and
	// address ranges a URL dataset may be downloaded from on a private
	// address.
	AllowedHosts = "FORECASTRUN_DATASET_ALLOWED_HOSTS"
	// CompletionIndex is set by the Job controller for Indexed Jobs.
	CompletionIndex = "JOB_COMPLETION_INDEX"
	// ReuseCandidates lists, for a run with spec.reuse, the earlier results
	// the runner may take instead of computing: "<data digest>=<run name>"
	// entries joined by commas, most recent first.
	ReuseCandidates = "FORECASTRUN_REUSE_CANDIDATES"
	// The access keys of an objectStore dataset and output, which the Job
	// takes from the run's credentials Secrets.
	DatasetAccessKeyID     = "FORECASTRUN_DATASET_S3_ACCESS_KEY_ID"
	DatasetSecretAccessKey = "FORECASTRUN_DATASET_S3_SECRET_ACCESS_KEY"
	OutputAccessKeyID      = "FORECASTRUN_OUTPUT_S3_ACCESS_KEY_ID"
	OutputSecretAccessKey  = "FORECASTRUN_OUTPUT_S3_SECRET_ACCESS_KEY"
)
