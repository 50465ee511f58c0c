// Command coredns is CoreDNS with only the plugins the local cluster's DNS
// uses: kubernetes (Service and Pod names), bind, cache, errors, log,
// health and ready. Upstream's build links some sixty plugins, the cloud DNS providers
// among them, which would double the build for nothing. Names outside the
// cluster domain get no answer: Pods here have no route off the machine.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	// The order in which the plugins see a query, as in upstream's
	// generated list (core/dnsserver/zdirectives.go).
	dnsserver.Directives = []string{"bind", "ready", "health", "errors", "log", "cache", "kubernetes"}
	coremain.Run()
}
