// Package e2e holds the end-to-end tests of ForecastRun: the real manager
// and runner binaries against a local control plane (hack/localcluster),
// driven only through the pinned kubectl, as a user would.
//
// The tests carry the build tag e2e so that `go test ./...` leaves them out;
// run them with hack/e2e.sh (make test-e2e). E2E_KEEP=1 leaves the cluster
// and the manager running afterwards and prints how to reach them.
package e2e
