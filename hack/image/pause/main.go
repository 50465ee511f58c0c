// Command pause is the local cluster's Pod sandbox process: it holds the
// Pod's namespaces open and exits on SIGINT or SIGTERM, as upstream's
// pause does. Built here so that the node pulls nothing from outside.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	// As PID 1 of the Pod's PID namespace (when shared), reap children.
	signal.Ignore(syscall.SIGCHLD)
	<-sigs
}
