// Command provisioner is the local cluster's dynamic volume provisioner:
// for every claim of its StorageClass it makes a folder under -root on the
// node and a hostPath PersistentVolume bound to that claim; when the claim
// is deleted it removes both. It plays the part that kind's
// local-path-provisioner or a cloud CSI driver plays elsewhere, so that
// `kubectl apply` of a claim works as users expect.
//
// The folders are world-writable, as local-path-provisioner makes them:
// hostPath volumes take no fsGroup ownership, and the runner's uid is the
// image's, not this provisioner's to know.
//
//	provisioner -kubeconfig FILE -root DIR -node local-node
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v13/controller"
)

// name is the provisioner field of the StorageClass it serves.
const name = "forecastrun.dev/local-dir"

type folders struct {
	root string // every volume is a folder below it
	node string // the node the folders are on
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the provisioner's identity")
	root := flag.String("root", "", "folder on the node that holds the volumes")
	node := flag.String("node", "", "name of the node the folders are on")
	flag.Parse()
	if err := run(*kubeconfig, *root, *node); err != nil {
		fmt.Fprintln(os.Stderr, "provisioner:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, root, node string) error {
	if root == "" || node == "" {
		return errors.New("-root and -node are required")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pc := controller.NewProvisionController(ctx, cs, name, &folders{root: root, node: node},
		controller.LeaderElection(false))
	pc.Run(ctx)
	return nil
}

// Provision makes the claim's folder and a PV for it, pinned to the node.
func (f *folders) Provision(_ context.Context, o controller.ProvisionOptions) (*corev1.PersistentVolume, controller.ProvisioningState, error) {
	if o.PVC.Spec.VolumeMode != nil && *o.PVC.Spec.VolumeMode == corev1.PersistentVolumeBlock {
		return nil, controller.ProvisioningFinished, errors.New("block volumes are not supported, only filesystem folders")
	}
	path := filepath.Join(f.root, o.PVC.Namespace+"_"+o.PVC.Name+"_"+o.PVName)
	if err := os.MkdirAll(path, 0o777); err != nil {
		return nil, controller.ProvisioningInBackground, err
	}
	if err := os.Chmod(path, 0o777); err != nil { // past the umask
		return nil, controller.ProvisioningInBackground, err
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if o.StorageClass.ReclaimPolicy != nil {
		reclaim = *o.StorageClass.ReclaimPolicy
	}
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: o.PVName},
		Spec: corev1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   o.PVC.Spec.AccessModes,
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: o.PVC.Spec.Resources.Requests[corev1.ResourceStorage]},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				HostPath: &corev1.HostPathVolumeSource{Path: path, Type: ptr(corev1.HostPathDirectory)},
			},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{f.node},
				}}}},
			}},
		},
	}
	return pv, controller.ProvisioningFinished, nil
}

// Delete removes the folder of a released volume; it never leaves root.
func (f *folders) Delete(_ context.Context, pv *corev1.PersistentVolume) error {
	if pv.Spec.HostPath == nil {
		return &controller.IgnoredError{Reason: "not a hostPath volume"}
	}
	path := filepath.Clean(pv.Spec.HostPath.Path)
	if !strings.HasPrefix(path, filepath.Clean(f.root)+string(filepath.Separator)) {
		return &controller.IgnoredError{Reason: fmt.Sprintf("%s is not below %s", path, f.root)}
	}
	return os.RemoveAll(path)
}

func ptr[T any](v T) *T { return &v }
