// Command fileserver serves a folder over HTTP: the e2e suite runs it in a
// Pod behind a Service to give runs a dataset URL reached through cluster
// DNS.
//
//	fileserver -dir /data -listen :8080
package main

import (
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	dir := flag.String("dir", "/data", "folder to serve")
	listen := flag.String("listen", ":8080", "address to listen on")
	flag.Parse()
	srv := &http.Server{
		Addr:              *listen,
		Handler:           logRequests(http.FileServer(http.Dir(*dir))),
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Printf("serving %s on %s", *dir, *listen)
	log.Fatal(srv.ListenAndServe())
}

func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s from %s", r.Method, r.URL.Path, r.RemoteAddr)
		h.ServeHTTP(w, r)
	})
}
