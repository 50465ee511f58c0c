package egress

import "net/netip"

// Class is what kind of address a download would reach.
type Class int

// Address classes, from the only one allowed by default to those never
// allowed.
const (
	public Class = iota
	private
	loopback
	linkLocal
	metadata
	unspecified
	multicast
)

func (c Class) String() string {
	return [...]string{"public", "private", "loopback", "link-local", "cloud metadata", "unspecified", "multicast or broadcast"}[c]
}

var (
	// metadataAddrs are the clouds' instance metadata and platform
	// services outside the link-local range: Alibaba Cloud's (in the
	// carrier-grade NAT range), AWS's IPv6 one (in the unique local range)
	// and Azure's wire server (a public address).
	metadataAddrs = []netip.Addr{
		netip.MustParseAddr("100.100.100.200"),
		netip.MustParseAddr("fd00:ec2::254"),
		netip.MustParseAddr("168.63.129.16"),
	}
	// sharedAddressSpace is carrier-grade NAT (RFC 6598), used inside some
	// clusters and clouds like a private range.
	sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")
	// thisNetwork (0.0.0.0/8) reaches the local host on Linux.
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	broadcast   = netip.MustParseAddr("255.255.255.255")
	// nat64 prefixes carry an IPv4 address in their last 32 bits, which a
	// NAT64 gateway then reaches (RFC 6052, RFC 8215).
	nat64 = []netip.Prefix{netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("64:ff9b:1::/48")}
)

// unwrap turns an IPv6 address that carries an IPv4 one (IPv4-mapped,
// or a NAT64 translation) into that IPv4 address, which is where a
// connection to it goes.
func unwrap(ip netip.Addr) netip.Addr {
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		for _, p := range nat64 {
			if p.Contains(ip) {
				b := ip.As16()
				return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
			}
		}
	}
	return ip
}

// classify says what kind of address ip is.
func classify(ip netip.Addr) Class {
	for _, m := range metadataAddrs {
		if ip == m {
			return metadata
		}
	}
	switch {
	case !ip.IsValid(), ip.IsUnspecified(), thisNetwork.Contains(ip):
		return unspecified
	case ip.IsLoopback():
		return loopback
	case ip.IsLinkLocalUnicast():
		return linkLocal
	case ip.IsMulticast(), ip == broadcast:
		return multicast
	case ip.IsPrivate(), sharedAddressSpace.Contains(ip), isSiteLocal(ip):
		return private
	}
	return public
}

// isSiteLocal reports the deprecated IPv6 site-local range fec0::/10,
// which some networks still route internally.
func isSiteLocal(ip netip.Addr) bool {
	return ip.Is6() && ip.As16()[0] == 0xfe && ip.As16()[1]&0xc0 == 0xc0
}
