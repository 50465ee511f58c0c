package binder

import (
	"context"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/log"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Run binds unscheduled Pods to nodeName until ctx ends.
func Run(ctx context.Context, client kubernetes.Interface, nodeName string) error {
	factory := informers.NewSharedInformerFactoryWithOptions(client, 30*time.Second,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.FieldSelector = "spec.nodeName="
		}))
	pods := factory.Core().V1().Pods()
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	defer queue.ShutDown()
	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			queue.Add(key)
		}
	}
	if _, err := pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	cache.WaitForCacheSync(ctx.Done(), pods.Informer().HasSynced)
	b := &binder{client: client, lister: pods.Lister(), node: nodeName}
	go func() {
		<-ctx.Done()
		queue.ShutDown()
	}()
	for b.next(ctx, queue) {
	}
	return nil
}

type binder struct {
	client kubernetes.Interface
	lister corev1listers.PodLister
	node   string
}

// next binds one queued Pod; failures are retried with backoff.
func (b *binder) next(ctx context.Context, queue workqueue.TypedRateLimitingInterface[string]) bool {
	key, quit := queue.Get()
	if quit {
		return false
	}
	defer queue.Done(key)
	if err := b.bind(ctx, key); err != nil {
		log.G(ctx).WithField("pod", key).WithError(err).Warn("binding failed; will retry")
		queue.AddRateLimited(key)
		return true
	}
	queue.Forget(key)
	return true
}

func (b *binder) bind(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := b.lister.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !wanted(pod) {
		return nil
	}
	binding := &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: b.node},
	}
	err = b.client.CoreV1().Pods(ns).Bind(ctx, binding, metav1.CreateOptions{})
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		// Bound meanwhile, or gone: nothing left to do.
		return nil
	}
	if err == nil {
		log.G(ctx).WithField("pod", key).WithField("node", b.node).Info("bound pod")
	}
	return err
}

// wanted: unbound, not being deleted, and meant for the default scheduler
// (a Pod naming another scheduler is left to it).
func wanted(pod *corev1.Pod) bool {
	if pod.Spec.NodeName != "" || pod.DeletionTimestamp != nil {
		return false
	}
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return false
	}
	return pod.Spec.SchedulerName == "" || pod.Spec.SchedulerName == corev1.DefaultSchedulerName
}
