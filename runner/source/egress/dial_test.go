package egress_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// servers are two real HTTP servers on loopback: trusted, which the
// policy under test may reach (as a dataset server on the allowed network),
// and internal, which stands for everything it may not, and counts the
// requests that reached it.
type servers struct {
	trusted, internal *httptest.Server
	internalHits      atomic.Int32
}

func newServers(t *testing.T) *servers {
	s := &servers{}
	s.internal = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.internalHits.Add(1)
		fmt.Fprint(w, "secret: internal service data")
	}))
	t.Cleanup(s.internal.Close)
	internalPort := s.internal.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	mux := http.NewServeMux()
	mux.HandleFunc("/data.csv", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "item_id,date,quantity\n") })
	redirect := func(path, to string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
	}
	redirect("/to-internal", s.internal.URL+"/")
	redirect("/to-localhost", fmt.Sprintf("http://localhost:%d/", internalPort))
	redirect("/to-ipv6-loopback", fmt.Sprintf("http://[::1]:%d/", internalPort))
	redirect("/to-mapped-loopback", fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", internalPort))
	redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
	redirect("/to-private", "http://10.0.0.1/")
	redirect("/hop", "/to-internal")
	redirect("/to-self", "/data.csv")
	s.trusted = httptest.NewServer(mux)
	t.Cleanup(s.trusted.Close)
	return s
}

func (s *servers) client() *http.Client {
	addr := s.trusted.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort()
	return &http.Client{Transport: egress.Policy{}.TrustForTest(addr).Transport()}
}

func TestTransportChecksEveryRedirect(t *testing.T) {
	s := newServers(t)
	c := s.client()
	resp, err := c.Get(s.trusted.URL + "/to-self")
	if err != nil {
		t.Fatalf("a redirect within the allowed server: %v", err)
	}
	resp.Body.Close()
	for _, path := range []string{"/to-internal", "/to-localhost", "/to-ipv6-loopback", "/to-mapped-loopback", "/to-metadata", "/to-private", "/hop"} {
		t.Run(path, func(t *testing.T) {
			resp, err := c.Get(s.trusted.URL + path)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Fatalf("followed the redirect and read %q", body)
			}
			if !errors.Is(err, egress.ErrRefused) {
				t.Errorf("error %v does not wrap ErrRefused", err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error echoes the internal response: %v", err)
			}
		})
	}
	if n := s.internalHits.Load(); n != 0 {
		t.Errorf("the internal server was reached %d times", n)
	}
}

func TestTransportRefusesLoopbackFirstHop(t *testing.T) {
	s := newServers(t)
	c := &http.Client{Transport: egress.Policy{}.Transport()}
	for _, url := range []string{s.internal.URL, strings.Replace(s.internal.URL, "127.0.0.1", "localhost", 1)} {
		if _, err := c.Get(url); !errors.Is(err, egress.ErrRefused) {
			t.Errorf("GET %s: %v, want ErrRefused", url, err)
		}
	}
	if n := s.internalHits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}

func TestTransportIgnoresProxySettings(t *testing.T) {
	s := newServers(t)
	// A proxy on an allowed address would connect to the internal server
	// on the download's behalf.
	t.Setenv("HTTP_PROXY", s.trusted.URL)
	t.Setenv("http_proxy", s.trusted.URL)
	c := &http.Client{Transport: egress.Policy{}.Transport()}
	if _, err := c.Get(s.internal.URL); !errors.Is(err, egress.ErrRefused) {
		t.Errorf("GET through the environment's proxy: %v, want ErrRefused", err)
	}
}
