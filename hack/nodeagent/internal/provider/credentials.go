package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/log"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// defaultTokenSeconds matches what the ServiceAccount admission plugin puts
// in the kube-api-access volume, so both share one token.
const defaultTokenSeconds = 3607

// tokenTarget is one kind of token (audiences, lifetime) and the files that
// receive it.
type tokenTarget struct {
	audiences  []string
	expiration int64
	files      []string
}

func expirationOr(s *int64) int64 {
	if s == nil || *s == 0 {
		return defaultTokenSeconds
	}
	return *s
}

// addTokenTarget registers a file for a token, sharing the request with an
// earlier file that wants the same audiences and lifetime.
func (pr *podRun) addTokenTarget(auds []string, expiration int64, file string) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for _, t := range pr.tokens {
		if slices.Equal(t.audiences, auds) && t.expiration == expiration {
			t.files = append(t.files, file)
			return
		}
	}
	pr.tokens = append(pr.tokens, &tokenTarget{audiences: auds, expiration: expiration, files: []string{file}})
}

func (pr *podRun) hasCredentials() bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.credentials
}

// setupCredentials lays out DIR/serviceaccount like the in-cluster folder
// (token, ca.crt, namespace) plus a kubeconfig using that token, so clients
// that honour KUBECONFIG act as the Pod's ServiceAccount.
func (pr *podRun) setupCredentials(pod *corev1.Pod) error {
	dir := filepath.Join(pr.dir, "serviceaccount")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	files := map[string][]byte{"ca.crt": pr.p.cfg.CAData, "namespace": []byte(pod.Namespace)}
	if err := writeFiles(dir, files, nil, nil); err != nil {
		return err
	}
	pr.addTokenTarget(nil, defaultTokenSeconds, filepath.Join(dir, "token"))
	if err := writeKubeconfig(pr.p.cfg.APIServer, dir, pod); err != nil {
		return err
	}
	pr.mu.Lock()
	pr.credentials = true
	pr.mu.Unlock()
	return nil
}

func writeKubeconfig(server, dir string, pod *corev1.Pod) error {
	user := fmt.Sprintf("system:serviceaccount:%s:%s", pod.Namespace, serviceAccount(pod))
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = &clientcmdapi.Cluster{Server: server, CertificateAuthority: filepath.Join(dir, "ca.crt")}
	// tokenFile, not an inline token: client-go re-reads it, so refreshed
	// tokens reach long-running processes.
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{TokenFile: filepath.Join(dir, "token")}
	cfg.Contexts["pod"] = &clientcmdapi.Context{Cluster: "local", AuthInfo: user, Namespace: pod.Namespace}
	cfg.CurrentContext = "pod"
	return clientcmd.WriteToFile(*cfg, filepath.Join(dir, "kubeconfig"))
}

func serviceAccount(pod *corev1.Pod) string {
	if pod.Spec.ServiceAccountName == "" {
		return "default"
	}
	return pod.Spec.ServiceAccountName
}

// issueTokens requests every registered token once (so the process never
// starts without one) and keeps each fresh in the background.
func (pr *podRun) issueTokens(ctx context.Context, pod *corev1.Pod) error {
	pr.mu.Lock()
	targets := slices.Clone(pr.tokens)
	pr.mu.Unlock()
	for _, t := range targets {
		issued, expiry, err := pr.requestToken(ctx, pod, t)
		if err != nil {
			return err
		}
		go pr.keepFresh(pod, t, issued, expiry)
	}
	return nil
}

// requestToken asks the TokenRequest API for a token bound to this Pod, so
// it stops working when the Pod is deleted, and writes it to its files.
func (pr *podRun) requestToken(ctx context.Context, pod *corev1.Pod, t *tokenTarget) (time.Time, time.Time, error) {
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		Audiences:         t.audiences,
		ExpirationSeconds: &t.expiration,
		BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	issued := time.Now()
	res, err := pr.p.cfg.Client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, serviceAccount(pod), req, metav1.CreateOptions{})
	if err != nil {
		return issued, issued, fmt.Errorf("token for serviceaccount %s/%s: %w", pod.Namespace, serviceAccount(pod), err)
	}
	for _, f := range t.files {
		if err := writeAtomic(f, []byte(res.Status.Token)); err != nil {
			return issued, issued, err
		}
	}
	return issued, res.Status.ExpirationTimestamp.Time, nil
}

// keepFresh renews a token at 80% of its life, as the kubelet does, until
// the Pod's processes are done.
func (pr *podRun) keepFresh(pod *corev1.Pod, t *tokenTarget, issued, expiry time.Time) {
	for {
		wait := time.Until(issued.Add(expiry.Sub(issued) * 4 / 5))
		select {
		case <-pr.done:
			return
		case <-time.After(wait):
		}
		var err error
		if issued, expiry, err = pr.requestToken(pr.p.ctx, pod, t); err != nil {
			log.G(pr.p.ctx).WithField("pod", pr.key).WithError(err).Warn("token refresh failed; retrying")
			expiry = issued.Add(10 * time.Second * 5 / 4)
		}
	}
}

// writeAtomic replaces a file in one step so a reader never sees half a token.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
