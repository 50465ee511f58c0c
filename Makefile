# ForecastRun operator. `make help` lists the targets.
SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

CONTROLLER_GEN := go tool controller-gen
GO_TEST_FLAGS ?= -count=1
# The pinned control plane lives in a per-user cache keyed by version; every
# clone on the machine shares it.
CONTROL_PLANE = $(shell hack/build-control-plane.sh --print)

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z0-9_-]+:.*##/ {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

##@ Development

.PHONY: generate
generate: ## Generate deepcopy code for the API types.
	$(CONTROLLER_GEN) object paths=./api/...

.PHONY: manifests
manifests: ## Generate the CRDs and the manager's RBAC from markers.
	$(CONTROLLER_GEN) crd rbac:roleName=manager-role paths=./api/... paths=./controllers/... \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac

.PHONY: chart
chart: ## Generate the Helm chart in dist/chart from config/ and the manager's flags.
	cd hack/helmchart && go run . -repo ../.. -out ../../dist/chart

# What make generate, manifests and chart write.
GENERATED := api config/crd config/rbac dist/chart

.PHONY: verify
verify: generate manifests chart ## Fail when committed generated files differ from a fresh generation.
	@git diff --exit-code -- $(GENERATED) || \
		{ echo "generated files are out of date: run 'make generate manifests chart' and commit the result" >&2; exit 1; }
	@test -z "$$(git status --porcelain -- $(GENERATED))" || \
		{ git status --porcelain -- $(GENERATED); echo "untracked generated files: commit them" >&2; exit 1; }

.PHONY: fmt
fmt: ## Format the Go code.
	gofmt -w $$(git ls-files '*.go')

# The hack/ tools that are Go modules of their own.
TOOL_MODULES := hack/image hack/helmchart hack/node/provisioner hack/node/registry hack/node/coredns

.PHONY: vet
vet: ## Run go vet on the operator and the hack/ tools.
	go vet ./...
	for m in $(TOOL_MODULES); do (cd $$m && go vet ./...) || exit 1; done

.PHONY: control-plane
control-plane: ## Build the pinned etcd, kube-apiserver, kube-controller-manager and kubectl (once per machine).
	hack/build-control-plane.sh

.PHONY: s3
s3: ## Build versitygw, the S3 server the object-storage tests start (once per machine).
	hack/build-s3.sh

.PHONY: helm
helm: ## Build helm from its Go module (once per machine); the chart's tests use it.
	hack/build-helm.sh

.PHONY: node
node: ## Build the local node: kubelet, kube-proxy, kube-scheduler, containerd, runc, registry, DNS (once per machine).
	hack/build-node.sh

##@ Test

.PHONY: test
test: control-plane s3 helm ## Run every unit and envtest suite against the pinned control plane and a local S3 server, and the chart's (helm lint, helm template).
	KUBEBUILDER_ASSETS="$(CONTROL_PLANE)" go test $(GO_TEST_FLAGS) ./...
	cd hack/image && go test $(GO_TEST_FLAGS) ./...
	cd hack/helmchart && go test $(GO_TEST_FLAGS) ./...

##@ Build

.PHONY: build
build: ## Build the manager, runner and kubectl-forecast plugin binaries into bin/.
	CGO_ENABLED=0 go build -o bin/manager ./cmd/manager
	CGO_ENABLED=0 go build -o bin/runner ./cmd/runner
	CGO_ENABLED=0 go build -o bin/kubectl-forecast ./cmd/kubectl-forecast

.PHONY: test-e2e
test-e2e: control-plane node s3 helm ## Run the end-to-end suite through kubectl on a local cluster with a real node (root).
	hack/e2e.sh

.PHONY: bench-engine
bench-engine: ## Time `runner local --mode Full`, main and this tree side by side, on the synthetic set and the shared splits.
	hack/bench-engine.sh

.PHONY: bench-controller
bench-controller: ## What a holder's progress step costs the manager with 10, 100 and 1,000 runs queued, main and this tree side by side.
	hack/bench-controller.sh

.PHONY: bench-vs-r
bench-vs-r: ## Compare accuracy and time with R's forecast package on ../shared/data.
	hack/bench-vs-r.sh

.PHONY: image
image: ## Build the operator's image (manager and runner) without Docker: an OCI layout in bin/oci/ and bin/forecastrun-image.tar.
	hack/image.sh --tarball bin/forecastrun-image.tar $(IMG)

.PHONY: image-push
image-push: ## Build the image and push it to IMG's registry (docker config credentials).
	hack/image.sh --push $(IMG)

##@ Deployment

IMG ?= ghcr.io/forecastrun/forecastrun:dev
KUBECTL ?= kubectl
# WAIT=false makes undeploy return without waiting for the deletions to end.
WAIT ?= true

.PHONY: deploy
deploy: ## Install CRDs, RBAC and the manager into the current kubectl context, with image IMG.
	KUBECTL=$(KUBECTL) hack/deploy.sh $(IMG)

.PHONY: undeploy
undeploy: ## Remove the operator, its CRDs and with them every ForecastRun and ForecastSchedule.
	$(KUBECTL) delete -k config/default --ignore-not-found --wait=$(WAIT)

##@ Demo

.PHONY: demo
demo: ## Run the local demo: control plane, operator, sample runs watched to the end.
	hack/demo.sh

.PHONY: demo-down
demo-down: ## Stop the local demo.
	hack/demo-down.sh
