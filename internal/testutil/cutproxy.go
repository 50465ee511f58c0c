package testutil

import (
	"io"
	"net"
	"sync/atomic"
	"testing"
)

// CuttingProxy forwards TCP connections to a server and, on the first Cuts
// of them (every one when Cuts is negative), drops the connection once
// After bytes of the server's reply have passed: a connection that fails
// part-way through a download.
type CuttingProxy struct {
	// Addr is where the proxy listens, host:port.
	Addr string
	// Cut counts the connections dropped so far.
	Cut atomic.Int64
}

// StartCuttingProxy listens on a free loopback port until the test ends.
func StartCuttingProxy(t testing.TB, target string, after int64, cuts int) *CuttingProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	p := &CuttingProxy{Addr: l.Addr().String()}
	var conns atomic.Int64
	go func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			cut := cuts < 0 || conns.Add(1) <= int64(cuts)
			go p.forward(client, target, after, cut)
		}
	}()
	return p
}

func (p *CuttingProxy) forward(client net.Conn, target string, after int64, cut bool) {
	defer client.Close()
	server, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer server.Close()
	go io.Copy(server, client)
	if !cut {
		io.Copy(client, server)
		return
	}
	if n, _ := io.CopyN(client, server, after); n == after {
		p.Cut.Add(1)
	}
}
