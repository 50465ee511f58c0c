package egress

import "net/netip"

// TrustForTest lets p reach addr, the loopback address a test serves on,
// which no allow-list can do.
func (p Policy) TrustForTest(addr netip.AddrPort) Policy {
	p.trusted = addr
	return p
}
