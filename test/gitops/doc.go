// Package gitops tests what the operator ships for GitOps tools: the Argo
// CD health checks under config/argocd, run by the same Lua interpreter Argo
// CD embeds, against the cases in their health_test.yaml files, and the
// example Flux and Argo CD manifests under config/samples/gitops.
package gitops
