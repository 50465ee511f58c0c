package egress

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// DialContext connects like net.Dialer, but checks every address it is
// about to connect to (after resolving the host, for each address it
// tries) against the policy, before any packet is sent to it.
func (p Policy) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{
		Timeout:   30 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(_, resolved string, _ syscall.RawConn) error {
			addr, err := netip.ParseAddrPort(resolved)
			if err != nil {
				return fmt.Errorf("%w: cannot read the address %q", ErrRefused, resolved)
			}
			return p.Check(host, addr)
		},
	}
	return d.DialContext(ctx, network, address)
}

// Transport is an HTTP transport that dials through the policy. It uses no
// proxy, whatever the environment says: a proxy would make the connection
// on the download's behalf, to an address this policy never sees.
func (p Policy) Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = p.DialContext
	t.DialTLSContext = nil
	return t
}
