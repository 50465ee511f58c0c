// Package egress decides which network addresses a dataset download may
// reach, and dials only those: never loopback, link-local (which holds the
// clouds' metadata services), unspecified, multicast or broadcast
// addresses, and private ones only for hosts or ranges an administrator
// allowed. The decision is made on the address actually dialled, after
// name resolution, for every connection of a request and its redirects, so
// neither a DNS answer nor a redirect can lead a download elsewhere.
package egress
