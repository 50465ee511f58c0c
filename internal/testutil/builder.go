package testutil

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// RunBuilder builds a ForecastRun for tests.
type RunBuilder struct{ run v1alpha1.ForecastRun }

// MakeForecastRun starts a run named name in namespace ns with a small
// synthetic dataset, the smallest valid spec.
func MakeForecastRun(name, ns string) *RunBuilder {
	return &RunBuilder{run: v1alpha1.ForecastRun{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "ForecastRun"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ForecastRunSpec{
			Dataset: v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: 50, Periods: 120, Seed: 1}},
		},
	}}
}

// Mode sets spec.mode.
func (b *RunBuilder) Mode(m v1alpha1.Mode) *RunBuilder { b.run.Spec.Mode = m; return b }

// Priority sets spec.priority.
func (b *RunBuilder) Priority(p v1alpha1.Priority) *RunBuilder { b.run.Spec.Priority = p; return b }

// WhenBusy sets spec.whenBusy.
func (b *RunBuilder) WhenBusy(p v1alpha1.BusyPolicy) *RunBuilder { b.run.Spec.WhenBusy = p; return b }

// LockName sets spec.lockName.
func (b *RunBuilder) LockName(n string) *RunBuilder { b.run.Spec.LockName = n; return b }

// Horizon sets spec.horizon.
func (b *RunBuilder) Horizon(h int32) *RunBuilder { b.run.Spec.Horizon = ptr.To(h); return b }

// ItemLimit sets spec.itemLimit.
func (b *RunBuilder) ItemLimit(n int32) *RunBuilder { b.run.Spec.ItemLimit = ptr.To(n); return b }

// Parallelism sets spec.parallelism.
func (b *RunBuilder) Parallelism(n int32) *RunBuilder { b.run.Spec.Parallelism = n; return b }

// ConfigMap replaces the dataset with a ConfigMap source.
func (b *RunBuilder) ConfigMap(name, key string) *RunBuilder {
	b.run.Spec.Dataset = v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: name, Key: key}}
	return b
}

// URL replaces the dataset with a URL source.
func (b *RunBuilder) URL(u string) *RunBuilder {
	b.run.Spec.Dataset = v1alpha1.Dataset{URL: u}
	return b
}

// DatasetClaim replaces the dataset with a file on a claim.
func (b *RunBuilder) DatasetClaim(claim, path string) *RunBuilder {
	b.run.Spec.Dataset = v1alpha1.Dataset{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: claim, Path: path}}
	return b
}

// ServiceAccount sets spec.podTemplate.spec.serviceAccountName.
func (b *RunBuilder) ServiceAccount(name string) *RunBuilder {
	if b.run.Spec.PodTemplate == nil {
		b.run.Spec.PodTemplate = &v1alpha1.RunnerPodTemplate{}
	}
	b.run.Spec.PodTemplate.Spec.ServiceAccountName = name
	return b
}

// Synthetic sets the synthetic dataset's size and seed.
func (b *RunBuilder) Synthetic(items, periods int32, seed int64) *RunBuilder {
	b.run.Spec.Dataset = v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: items, Periods: periods, Seed: seed}}
	return b
}

// Output sets spec.output to a claim and a path inside it.
func (b *RunBuilder) Output(claim, path string) *RunBuilder {
	b.run.Spec.Output = &v1alpha1.Output{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: claim, Path: path}}
	return b
}

// ObjectStoreDataset replaces the dataset with an object in a bucket whose
// access key is in the Secret named secret.
func (b *RunBuilder) ObjectStoreDataset(endpoint, bucket, key, secret string) *RunBuilder {
	b.run.Spec.Dataset = v1alpha1.Dataset{ObjectStore: &v1alpha1.ObjectStoreDataset{
		ObjectStore: objectStore(endpoint, bucket, secret), Key: key,
	}}
	return b
}

// ObjectStoreOutput sets spec.output to a prefix in a bucket.
func (b *RunBuilder) ObjectStoreOutput(endpoint, bucket, prefix, secret string) *RunBuilder {
	b.run.Spec.Output = &v1alpha1.Output{ObjectStore: &v1alpha1.ObjectStoreOutput{
		ObjectStore: objectStore(endpoint, bucket, secret), Prefix: prefix,
	}}
	return b
}

func objectStore(endpoint, bucket, secret string) v1alpha1.ObjectStore {
	return v1alpha1.ObjectStore{Endpoint: endpoint, Bucket: bucket, CredentialsSecret: v1alpha1.ObjectStoreCredentials{Name: secret}}
}

// Timeout sets spec.timeout.
func (b *RunBuilder) Timeout(d metav1.Duration) *RunBuilder { b.run.Spec.Timeout = &d; return b }

// QueueTimeout sets spec.queueTimeout.
func (b *RunBuilder) QueueTimeout(d metav1.Duration) *RunBuilder {
	b.run.Spec.QueueTimeout = &d
	return b
}

// Labels sets metadata labels.
func (b *RunBuilder) Labels(l map[string]string) *RunBuilder { b.run.Labels = l; return b }

// Obj returns a copy of the built run.
// Notify adds a target posting JSON to the URL in key of Secret secret.
func (b *RunBuilder) Notify(name, secret, key string) *RunBuilder {
	b.run.Spec.Notify = append(b.run.Spec.Notify, v1alpha1.NotifyTarget{Name: name, URLSecretRef: v1alpha1.SecretKeyRef{Name: secret, Key: key}})
	return b
}

// Reuse sets spec.reuse.maxAge.
func (b *RunBuilder) Reuse(maxAge metav1.Duration) *RunBuilder {
	b.run.Spec.Reuse = &v1alpha1.Reuse{MaxAge: maxAge}
	return b
}

func (b *RunBuilder) Obj() *v1alpha1.ForecastRun { return b.run.DeepCopy() }
