package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFlagUsage(t *testing.T) {
	usage := `Usage of manager:
  -dataset-allowed-hosts string
    	comma-separated hosts
  -job-ttl duration
    	how long a finished runner Job is kept (default 24h0m0s)
  -leader-elect
    	elect a leader
  -metrics-bind-address string
    	address of the endpoint; 0 turns it off (default ":8443")
  -metrics-secure
    	serve metrics over HTTPS (default true)
  -workers int
    	runs reconciled in parallel (default 4)
  -default-ttl-after-finished duration
    	how long a finished run is kept; 0 keeps it
`
	want := map[string]managerFlag{
		"dataset-allowed-hosts":      {Name: "dataset-allowed-hosts", Default: "", Usage: "comma-separated hosts"},
		"job-ttl":                    {Name: "job-ttl", Default: "24h0m0s", Usage: "how long a finished runner Job is kept"},
		"leader-elect":               {Name: "leader-elect", Default: "false", Usage: "elect a leader"},
		"metrics-bind-address":       {Name: "metrics-bind-address", Default: ":8443", Usage: "address of the endpoint; 0 turns it off"},
		"metrics-secure":             {Name: "metrics-secure", Default: "true", Usage: "serve metrics over HTTPS"},
		"workers":                    {Name: "workers", Default: "4", Usage: "runs reconciled in parallel"},
		"default-ttl-after-finished": {Name: "default-ttl-after-finished", Default: "0s", Usage: "how long a finished run is kept; 0 keeps it"},
	}
	if diff := cmp.Diff(want, parseFlagUsage(usage)); diff != "" {
		t.Errorf("parseFlagUsage (-want +got):\n%s", diff)
	}
}
