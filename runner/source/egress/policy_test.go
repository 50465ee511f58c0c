package egress_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/source/egress"
)

func TestCheckRefusesInternalAddresses(t *testing.T) {
	allowing, err := egress.Parse("data.corp, *.svc.cluster.local, 10.202.0.0/24, 192.168.7.7")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, host, addr string
		policy           egress.Policy
		allowed          bool
		why              string
	}{
		{"public IPv4", "example.com", "93.184.215.14", egress.Policy{}, true, ""},
		{"public IPv6", "example.com", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", egress.Policy{}, true, ""},
		{"loopback", "localhost", "127.0.0.1", egress.Policy{}, false, "loopback"},
		{"loopback anywhere in 127/8", "x", "127.3.4.5", egress.Policy{}, false, "loopback"},
		{"IPv6 loopback", "localhost", "::1", egress.Policy{}, false, "loopback"},
		{"IPv4-mapped IPv6 loopback", "x", "::ffff:127.0.0.1", egress.Policy{}, false, "loopback"},
		{"NAT64 of the metadata address", "x", "64:ff9b::a9fe:a9fe", egress.Policy{}, false, "link-local"},
		{"cloud metadata", "169.254.169.254", "169.254.169.254", egress.Policy{}, false, "link-local"},
		{"IPv4-mapped cloud metadata", "x", "::ffff:169.254.169.254", egress.Policy{}, false, "link-local"},
		{"IPv6 link-local", "x", "fe80::1", egress.Policy{}, false, "link-local"},
		{"AWS IPv6 metadata", "x", "fd00:ec2::254", allowing, false, "cloud metadata"},
		{"Alibaba metadata", "x", "100.100.100.200", egress.Policy{}, false, "cloud metadata"},
		{"Azure wire server", "x", "168.63.129.16", egress.Policy{}, false, "cloud metadata"},
		{"unspecified", "x", "0.0.0.0", egress.Policy{}, false, "unspecified"},
		{"this network", "x", "0.1.2.3", egress.Policy{}, false, "unspecified"},
		{"IPv6 unspecified", "x", "::", egress.Policy{}, false, "unspecified"},
		{"multicast", "x", "224.0.0.1", egress.Policy{}, false, "multicast"},
		{"broadcast", "x", "255.255.255.255", egress.Policy{}, false, "multicast"},
		{"private 10/8", "x", "10.1.2.3", egress.Policy{}, false, "private"},
		{"private 172.16/12", "x", "172.20.0.1", egress.Policy{}, false, "private"},
		{"private 192.168/16", "x", "192.168.1.1", egress.Policy{}, false, "private"},
		{"carrier-grade NAT", "x", "100.64.0.1", egress.Policy{}, false, "private"},
		{"unique local IPv6", "x", "fd12:3456::1", egress.Policy{}, false, "private"},
		{"IPv4-mapped private", "x", "::ffff:10.0.0.1", egress.Policy{}, false, "private"},
		{"allowed host on a private address", "data.corp", "10.9.9.9", allowing, true, ""},
		{"allowed host names are case-blind and may end in a dot", "Data.Corp.", "10.9.9.9", allowing, true, ""},
		{"wildcard host", "dataset.team-a.svc.cluster.local", "10.96.0.12", allowing, true, ""},
		{"wildcard does not match the bare domain's look-alike", "evilsvc.cluster.local", "10.96.0.12", allowing, false, "private"},
		{"allowed range", "anything", "10.202.0.7", allowing, true, ""},
		{"allowed range, IPv4-mapped", "anything", "::ffff:10.202.0.7", allowing, true, ""},
		{"outside the allowed range", "anything", "10.203.0.7", allowing, false, "private"},
		{"single allowed address", "x", "192.168.7.7", allowing, true, ""},
		{"an allowed host never reaches loopback", "data.corp", "127.0.0.1", allowing, false, "loopback"},
		{"an allowed host never reaches metadata", "data.corp", "169.254.169.254", allowing, false, "link-local"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.policy.Check(tc.host, netip.AddrPortFrom(netip.MustParseAddr(tc.addr), 80))
			if tc.allowed {
				if err != nil {
					t.Fatalf("Check(%s, %s) = %v, want allowed", tc.host, tc.addr, err)
				}
				return
			}
			if !errors.Is(err, egress.ErrRefused) {
				t.Fatalf("Check(%s, %s) = %v, want ErrRefused", tc.host, tc.addr, err)
			}
			if !strings.Contains(err.Error(), tc.why) {
				t.Errorf("error %q does not say %q", err, tc.why)
			}
		})
	}
}

func TestParse(t *testing.T) {
	p, err := egress.Parse(" data.corp ,*.SVC.cluster.local,10.202.0.1/24,,fd00::/8,192.168.7.7 ")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.String(), "data.corp,*.svc.cluster.local,10.202.0.0/24,fd00::/8,192.168.7.7/32"; got != want {
		t.Errorf("parsed %q, want %q", got, want)
	}
	for _, bad := range []string{"http://data.corp", "*.", "*", "10.0.0.0/33", "data corp", "-x.corp", "a..b"} {
		if _, err := egress.Parse(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Parse(%q) = %v, want an error naming the entry", bad, err)
		}
	}
}
