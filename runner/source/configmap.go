package source

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
)

// ConfigMapGetter fetches one ConfigMap by namespace and name.
type ConfigMapGetter interface {
	GetConfigMap(ctx context.Context, namespace, name string) (*corev1.ConfigMap, error)
}

// ConfigMapGetterFunc adapts a function, for example one calling
// client-go's clientset.CoreV1().ConfigMaps(ns).Get, to ConfigMapGetter.
type ConfigMapGetterFunc func(ctx context.Context, namespace, name string) (*corev1.ConfigMap, error)

// GetConfigMap calls f.
func (f ConfigMapGetterFunc) GetConfigMap(ctx context.Context, namespace, name string) (*corev1.ConfigMap, error) {
	return f(ctx, namespace, name)
}

// FromReader gets ConfigMaps through a controller-runtime reader. Pass an
// uncached client (client.New): a cached one would list and watch every
// ConfigMap, which the runner's Role does not allow.
func FromReader(r client.Reader) ConfigMapGetter {
	return ConfigMapGetterFunc(func(ctx context.Context, namespace, name string) (*corev1.ConfigMap, error) {
		var cm corev1.ConfigMap
		if err := r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &cm); err != nil {
			return nil, err
		}
		return &cm, nil
	})
}

func loadConfigMap(ctx context.Context, spec v1alpha1.Dataset, opts Options) (*series.Dataset, error) {
	src := spec.ConfigMap
	if opts.ConfigMaps == nil {
		return nil, fmt.Errorf("loading dataset from ConfigMap %s: no Kubernetes client configured", src.Name)
	}
	cm, err := opts.ConfigMaps.GetConfigMap(ctx, opts.Namespace, src.Name)
	if err != nil {
		return nil, fmt.Errorf("getting dataset ConfigMap %s/%s: %w", opts.Namespace, src.Name, err)
	}
	name := "configmap/" + src.Name + "/" + src.Key
	if text, ok := cm.Data[src.Key]; ok {
		return Decode(name, strings.NewReader(text), readOptions(spec, opts))
	}
	if data, ok := cm.BinaryData[src.Key]; ok {
		return Decode(name, bytes.NewReader(data), readOptions(spec, opts))
	}
	return nil, fmt.Errorf("ConfigMap %s/%s has no key %q (keys: %s)", opts.Namespace, src.Name, src.Key, keys(cm))
}

// keys lists a ConfigMap's data and binaryData keys for an error message.
func keys(cm *corev1.ConfigMap) string {
	all := slices.Sorted(maps.Keys(cm.Data))
	all = append(all, slices.Sorted(maps.Keys(cm.BinaryData))...)
	if len(all) == 0 {
		return "none"
	}
	return strings.Join(all, ", ")
}
