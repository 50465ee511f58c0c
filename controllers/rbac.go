package controllers

// The manager's permissions, generated into config/rbac by controller-gen.
//
// The manager reads the Job controller's FailedCreate events about its
// runner Jobs, which are the only place a quota's refusal of their Pods is
// reported.
//
// The manager creates a ServiceAccount, Role and RoleBinding per run for its
// runner. Kubernetes refuses to let anyone grant a permission they do not
// hold themselves, so the manager also needs get on configmaps (the runner
// may read its dataset ConfigMap) and get/patch on forecastruns/status;
// this avoids the broader escalate and bind verbs. Which ConfigMap a run
// may name is checked against its creator's rights at admission
// (config/admission/requester_rights.yaml), so the manager's get is never
// lent to someone who lacks it.
//
// Leases: RBAC cannot restrict a verb to labelled objects, so update is
// cluster-wide here; config/admission/manager_leases.yaml narrows it to the
// Leases the operator created. The manager never deletes a Lease.
//
// decide on forecastruns/status marks the controller as the one that
// decides a run's phase, conditions and lock; status writes by anyone
// without it may change only status.shards and status.result
// (config/admission/runner_status.yaml). prioritize and preempt let the
// ForecastSchedule controller create High and Urgent runs; who may give a
// schedule such a priority is checked when the schedule is written.
//
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns,verbs=get;list;watch;update;patch;prioritize;preempt
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns/status,verbs=get;update;patch;decide
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns/finalizers,verbs=update
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create;delete
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update
// +kubebuilder:rbac:groups="",resources=serviceaccounts,verbs=get;create
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles;rolebindings,verbs=get;create
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get
// +kubebuilder:rbac:groups="",resources=persistentvolumeclaims,verbs=get
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch;list
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
