package forecastcli

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
)

// The dashboard acts with the user's kubeconfig, so anything that can make
// the browser send it a request could act as the user. guard lets through
// only the browser that opened the printed URL:
//
//   - the URL's one-time token is exchanged for a session cookie (HttpOnly,
//     SameSite=Strict), so the token in the history or a screenshot opens
//     nothing, and other sites' pages cannot send the cookie;
//   - the Host header must name the loopback address and port served, so a
//     rebound DNS name that points at 127.0.0.1 reaches nothing;
//   - requests that change anything are POST only, with the cookie and an
//     Origin header naming this server.
type guard struct {
	hosts   []string // Host headers accepted: 127.0.0.1:PORT, localhost:PORT
	mu      sync.Mutex
	token   string // "" once used
	session string
}

const sessionCookie = "forecast_dashboard"

// contentPolicy allows the embedded script and style only: no inline code,
// nothing from elsewhere, no framing.
const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// reportPolicy is for a run's report.html: its inline styles may apply,
// but no script runs, and the sandbox gives it an origin of its own.
const reportPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"

func newGuard(port int) *guard {
	p := strconv.Itoa(port)
	return &guard{hosts: []string{"127.0.0.1:" + p, "localhost:" + p}, token: randomHex(), session: randomHex()}
}

func randomHex() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// wrap checks every request before next sees it.
func (gd *guard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if !gd.knownHost(r.Host) {
			http.Error(w, "unexpected Host header "+strconv.Quote(r.Host)+": open the dashboard at the URL it printed", http.StatusMisdirectedRequest)
			return
		}
		if r.URL.Path == "/" && r.URL.Query().Has("token") {
			gd.exchange(w, r)
			return
		}
		if !gd.hasSession(r) {
			http.Error(w, "not signed in: open the URL that kubectl forecast dashboard printed (its token works once; restart the dashboard for a new one)", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !gd.sameOrigin(r) {
			http.Error(w, "refused: a change must come from the dashboard's own page (Origin "+strconv.Quote(r.Header.Get("Origin"))+")", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (gd *guard) knownHost(host string) bool {
	for _, h := range gd.hosts {
		if host == h {
			return true
		}
	}
	return false
}

// exchange trades the one-time token for the session cookie and sends the
// browser on to the page without the token in its address bar. A browser
// that already has the cookie goes on as well.
func (gd *guard) exchange(w http.ResponseWriter, r *http.Request) {
	gd.mu.Lock()
	ok := gd.token != "" && equal(r.URL.Query().Get("token"), gd.token)
	if ok {
		gd.token = ""
	}
	gd.mu.Unlock()
	if !ok && !gd.hasSession(r) {
		http.Error(w, "this link's token is wrong or was already used: restart kubectl forecast dashboard for a new one", http.StatusUnauthorized)
		return
	}
	if ok {
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: gd.session, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (gd *guard) hasSession(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	return err == nil && equal(c.Value, gd.session)
}

// sameOrigin requires the Origin header browsers send with every POST, and
// that it names this server as the Host check accepted it.
func (gd *guard) sameOrigin(r *http.Request) bool {
	return r.Header.Get("Origin") == "http://"+r.Host
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
