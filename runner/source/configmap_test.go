package source

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

func TestConfigMap(t *testing.T) {
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "sales", Namespace: "team"},
		Data:       map[string]string{"data.csv": goodCSV, "bad.csv": badCSV, "custom.csv": "sku,day,units\nz,2025-01-01,4\n"},
		BinaryData: map[string][]byte{"binary.csv": []byte(goodCSV)},
	}
	opts := Options{Namespace: "team", ConfigMaps: FromReader(reader{map[client.ObjectKey]*corev1.ConfigMap{
		{Namespace: "team", Name: "sales"}: cm}})}
	load := func(name, key string) error {
		spec := v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: name, Key: key}}
		_, err := Load(context.Background(), spec, opts)
		return err
	}
	t.Run("data key", func(t *testing.T) {
		spec := v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "data.csv"}}
		ds, err := Load(context.Background(), spec, opts)
		wantItems(t, ds, err, "a", "b")
	})
	t.Run("binaryData key", func(t *testing.T) {
		spec := v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "binary.csv"}}
		ds, err := Load(context.Background(), spec, opts)
		wantItems(t, ds, err, "a", "b")
	})
	t.Run("custom columns", func(t *testing.T) {
		spec := v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "custom.csv"},
			Columns: v1alpha1.Columns{Item: "sku", Time: "day", Value: "units"}, Frequency: "daily"}
		ds, err := Load(context.Background(), spec, opts)
		wantItems(t, ds, err, "z")
	})
	t.Run("malformed CSV", func(t *testing.T) {
		err := load("sales", "bad.csv")
		wantParseError(t, err, "configmap/sales/bad.csv", 3, 3)
		wantError(t, err, "configmap/sales/bad.csv:3:3")
	})
	t.Run("missing key", func(t *testing.T) {
		err := load("sales", "other.csv")
		wantError(t, err, `no key "other.csv"`, "bad.csv, custom.csv, data.csv, binary.csv")
	})
	t.Run("missing ConfigMap", func(t *testing.T) {
		err := load("absent", "data.csv")
		wantError(t, err, "team/absent", "not found")
	})
	t.Run("no client", func(t *testing.T) {
		spec := v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "data.csv"}}
		_, err := Load(context.Background(), spec, Options{})
		wantError(t, err, "no Kubernetes client")
	})
}
