package forecastcli

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// session is a client bound to the namespace the command works in.
type session struct {
	client.Client
	namespace string
	// config reaches what the controller-runtime client cannot, such as
	// a Pod's log.
	config *rest.Config
	// contextName is the kubeconfig context in use, for the dashboard's
	// header.
	contextName string
}

// scheme knows the kinds the plugin reads and writes.
func scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		v1alpha1.AddToScheme, coordinationv1.AddToScheme, corev1.AddToScheme, batchv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			return nil, fmt.Errorf("building the client scheme: %w", err)
		}
	}
	return s, nil
}

// connect loads the kubeconfig the way kubectl does (--kubeconfig, then
// $KUBECONFIG, then ~/.kube/config; --context and -n override it).
func (g *globals) connect() (*session, error) {
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(g.loading, &g.overrides)
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("loading the kubeconfig: %w", err)
	}
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, fmt.Errorf("finding the namespace in the kubeconfig: %w", err)
	}
	s, err := scheme()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: s})
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", cfg.Host, err)
	}
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, fmt.Errorf("loading the kubeconfig: %w", err)
	}
	return &session{Client: c, namespace: ns, config: cfg, contextName: orUnknown(g.overrides.CurrentContext, raw.CurrentContext)}, nil
}

// in is the session working in another namespace, sharing its client.
func (s *session) in(ns string) *session {
	c := *s
	c.namespace = ns
	return &c
}
