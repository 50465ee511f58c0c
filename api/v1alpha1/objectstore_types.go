package v1alpha1

// ObjectStore is an S3-compatible bucket and how to reach it.
type ObjectStore struct {
	// endpoint is the S3 API's base URL, such as
	// https://s3.eu-west-1.amazonaws.com or http://minio.storage:9000: its
	// scheme says whether the connection uses TLS. The runner reaches it
	// under the same egress rules as a dataset URL: a private address only
	// when the manager's --dataset-allowed-hosts lists the host or its
	// range, loopback and link-local addresses never.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('http://') || self.startsWith('https://')",message="endpoint must start with https:// (or http:// for a server without TLS)"
	// +kubebuilder:validation:XValidation:rule="isURL(self) && url(self).getHostname() != '' && url(self).getEscapedPath() in ['', '/'] && url(self).getQuery().size() == 0",message="endpoint must be a scheme, a host and an optional port, such as https://s3.example.com:9000, without a path or query: the bucket and key are fields of their own"
	// +required
	Endpoint string `json:"endpoint"`

	// region of the bucket, such as eu-west-1. When unset the runner asks
	// the server for the bucket's location.
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[a-z0-9-]*$`
	// +optional
	Region string `json:"region,omitempty"`

	// bucket is the bucket's name.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9][a-z0-9.-]*[a-z0-9]$')",message="bucket must be an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"
	// +required
	Bucket string `json:"bucket"`

	// credentialsSecret names the Secret, in the run's namespace, that
	// holds the access key. The runner receives it as environment
	// variables; the key itself is never in the run's spec or status. A
	// run may name only a Secret its creator may get.
	// +required
	CredentialsSecret ObjectStoreCredentials `json:"credentialsSecret"`
}

// ObjectStoreCredentials selects the access key in a Secret.
type ObjectStoreCredentials struct {
	// name of the Secret in the run's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// accessKeyIDKey is the Secret's key holding the access key ID. The
	// default is the name AWS tools and bucket provisioners use.
	// +kubebuilder:default=AWS_ACCESS_KEY_ID
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +optional
	AccessKeyIDKey string `json:"accessKeyIDKey,omitempty"`

	// secretAccessKeyKey is the Secret's key holding the secret access key.
	// +kubebuilder:default=AWS_SECRET_ACCESS_KEY
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +optional
	SecretAccessKeyKey string `json:"secretAccessKeyKey,omitempty"`
}

// ObjectStoreDataset is a dataset object in a bucket.
type ObjectStoreDataset struct {
	ObjectStore `json:",inline"`

	// key is the object's key (its path in the bucket), such as
	// sales/2026-12.csv.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.startsWith('/')",message="key is the object's path inside the bucket and must not start with /"
	// +required
	Key string `json:"key"`
}

// ObjectStoreOutput is a folder (a key prefix) in a bucket.
type ObjectStoreOutput struct {
	ObjectStore `json:",inline"`

	// prefix is put before every result object's key: the files go to
	// <prefix>/<run name>/. Empty means the bucket's top level.
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="!self.startsWith('/') && !self.split('/').exists(p, p == '..' || p == '.')",message="prefix must be relative to the bucket (no leading /) and must not contain '.' or '..' segments"
	// +optional
	Prefix string `json:"prefix,omitempty"`
}

// The Secret keys an ObjectStoreCredentials reads when it names none.
const (
	DefaultAccessKeyIDKey     = "AWS_ACCESS_KEY_ID"
	DefaultSecretAccessKeyKey = "AWS_SECRET_ACCESS_KEY"
)
