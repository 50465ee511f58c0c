package controllers

// The manager's permissions, generated into config/rbac by controller-gen.
//
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns/finalizers,verbs=update
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create;delete
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;delete
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
