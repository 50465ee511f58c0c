// Package install checks that the kustomize install in config/default is
// accepted by a real API server.
package install
