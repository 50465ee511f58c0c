// Package binder stands in for kube-scheduler on the one-node local
// cluster: it binds every Pod that has no spec.nodeName (and asks for the
// default scheduler) to the agent's Node with a Binding, the same API call a
// scheduler makes. There is no placement logic because there is one node.
package binder
