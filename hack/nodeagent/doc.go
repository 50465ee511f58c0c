// Command nodeagent is ForecastRun's local node agent, demo and test tooling
// only: on a machine without Docker or a real kubelet it registers a Node
// with a local control plane, binds unscheduled Pods to it, and runs each
// Pod's containers as local processes so that the real Job controller drives
// Jobs end to end.
//
// Node registration, heartbeats, the node Lease and Pod status sync come
// from github.com/virtual-kubelet/virtual-kubelet (node and node/nodeutil);
// the process-running provider is internal/provider and the stand-in
// scheduler is internal/binder. README.md documents the flags and the
// contract a process sees (environment, path mapping, credentials).
package main
