// Package runnerenv names the environment variables through which the
// controller tells `runner job` which run and shard it executes: the
// contract between the Job that controllers/ builds and runner/job, which
// reads it. Both import the names from here, so they cannot drift apart.
//
// Namespace and Pod name come from the downward API. With parallelism > 1
// the Job is Indexed and Kubernetes sets CompletionIndex, the shard's
// index among Shards; a run with one Pod has no index and is shard 0 of 1.
// Every status.shards entry the runner applies carries FencingToken.
package runnerenv
