package egress

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrRefused marks a connection the policy does not allow.
var ErrRefused = errors.New("address not allowed")

// Policy says which addresses downloads may reach. The zero value allows
// public addresses only.
type Policy struct {
	hosts    []string       // exact host names, lower case
	suffixes []string       // ".example.com" for an entry "*.example.com"
	prefixes []netip.Prefix // address ranges
	// trusted is an address that the package's own tests serve on.
	trusted netip.AddrPort
}

// Parse reads an allow-list: comma-separated host names ("data.corp"),
// wildcards for every name under a domain ("*.svc.cluster.local"), and
// address ranges in CIDR notation ("10.0.0.0/8") or single addresses. A host
// or range on the list may be reached on a private address (RFC 1918,
// unique local IPv6, carrier-grade NAT); loopback, link-local and cloud
// metadata addresses stay refused whatever the list says.
func Parse(list string) (Policy, error) {
	var p Policy
	for _, entry := range strings.Split(list, ",") {
		entry = strings.ToLower(strings.TrimSpace(entry))
		if entry == "" {
			continue
		}
		if err := p.add(entry); err != nil {
			return Policy{}, fmt.Errorf("allow-list entry %q: %w", entry, err)
		}
	}
	return p, nil
}

func (p *Policy) add(entry string) error {
	if prefix, err := netip.ParsePrefix(entry); err == nil {
		p.prefixes = append(p.prefixes, prefix.Masked())
		return nil
	}
	if addr, err := netip.ParseAddr(entry); err == nil {
		p.prefixes = append(p.prefixes, netip.PrefixFrom(addr, addr.BitLen()))
		return nil
	}
	if strings.Contains(entry, "/") {
		return errors.New("not an address range such as 10.0.0.0/8")
	}
	if rest, ok := strings.CutPrefix(entry, "*."); ok {
		if !validHostName(rest) {
			return errors.New("want *. followed by a domain name, such as *.svc.cluster.local")
		}
		p.suffixes = append(p.suffixes, "."+rest)
		return nil
	}
	if !validHostName(entry) {
		return errors.New("not a host name, a *.domain wildcard or an address range")
	}
	p.hosts = append(p.hosts, entry)
	return nil
}

// validHostName reports whether s is a DNS name: dot-separated labels of
// letters, digits and hyphens.
func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// String renders the allow-list as Parse reads it.
func (p Policy) String() string {
	var entries []string
	entries = append(entries, p.hosts...)
	for _, s := range p.suffixes {
		entries = append(entries, "*"+s)
	}
	for _, prefix := range p.prefixes {
		entries = append(entries, prefix.String())
	}
	return strings.Join(entries, ",")
}

// Check decides whether a connection to addr, resolved from host (the name
// in the URL, or the address itself), is allowed. Its error wraps
// ErrRefused and says why, for a person.
func (p Policy) Check(host string, addr netip.AddrPort) error {
	if p.trusted.IsValid() && addr == p.trusted {
		return nil
	}
	ip := unwrap(addr.Addr())
	class := classify(ip)
	switch {
	case class == public:
		return nil
	case class == private && (p.allowsHost(host) || p.allowsAddr(ip)):
		return nil
	}
	return &RefusedError{Host: host, Addr: ip, Class: class}
}

func (p Policy) allowsHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, h := range p.hosts {
		if host == h {
			return true
		}
	}
	for _, s := range p.suffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

func (p Policy) allowsAddr(ip netip.Addr) bool {
	for _, prefix := range p.prefixes {
		if prefix.Contains(ip) {
			return true
		}
	}
	return false
}

// RefusedError is a connection the policy refused.
type RefusedError struct {
	Host  string
	Addr  netip.Addr
	Class Class
}

func (e *RefusedError) Error() string {
	what := fmt.Sprintf("%s resolves to %s", e.Host, e.Addr)
	if e.Host == e.Addr.String() {
		what = e.Host
	}
	if e.Class == private {
		return fmt.Sprintf("%s: %s is a %s address; the operator's --dataset-allowed-hosts does not list the host or its range", ErrRefused, what, e.Class)
	}
	return fmt.Sprintf("%s: %s is a %s address, which datasets may never be downloaded from", ErrRefused, what, e.Class)
}

// Unwrap makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Unwrap() error { return ErrRefused }
