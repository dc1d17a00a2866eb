// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/vouch-id/vouch/webhook"
)

// receiver is the local webhook receiver both Vouch and the baseline
// client post to. It verifies each signature, as a real receiver must, and
// records when the first delivery of each object arrived and when its event
// was created (the body's data.attributes.created-at).
type receiver struct {
	secrets map[string]string // URL path → its endpoint's secret

	mu      sync.Mutex
	arrived map[string]arrival // "<path> <payload object id>" → first delivery
	dups    int
	bad     int
	size    int // of the last body, for the baseline's
}

// arrival is one object's first delivery.
type arrival struct {
	created, at time.Time
}

// envelope is the part of a delivery the receiver reads.
type envelope struct {
	Data struct {
		Attributes struct {
			CreatedAt time.Time `json:"created-at"`
			Payload   struct {
				Data struct {
					ID string `json:"id"`
				} `json:"data"`
			} `json:"payload"`
		} `json:"attributes"`
	} `json:"data"`
}

// ServeHTTP implements http.Handler.
func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	at := time.Now()
	var env envelope
	if err != nil || webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, []string{rc.secrets[r.URL.Path]}, time.Minute, at) != nil ||
		json.Unmarshal(body, &env) != nil {
		rc.mu.Lock()
		rc.bad++
		rc.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	id := r.URL.Path + " " + env.Data.Attributes.Payload.Data.ID
	rc.mu.Lock()
	rc.size = len(body)
	if _, ok := rc.arrived[id]; ok {
		rc.dups++
	} else {
		rc.arrived[id] = arrival{created: env.Data.Attributes.CreatedAt, at: at}
	}
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// reset forgets every arrival, between runs.
func (rc *receiver) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.arrived = map[string]arrival{}
	rc.dups, rc.bad = 0, 0
}

// collect waits until every id has arrived or timeout passes, and returns
// the arrivals of the ids found, how many are missing, the duplicates and
// the bad requests.
func (rc *receiver) collect(ids []string, timeout time.Duration) (got []arrival, missing, dups, bad int) {
	deadline := time.Now().Add(timeout)
	for {
		rc.mu.Lock()
		got, missing = got[:0], 0
		for _, id := range ids {
			if a, ok := rc.arrived[id]; ok {
				got = append(got, a)
			} else {
				missing++
			}
		}
		dups, bad = rc.dups, rc.bad
		rc.mu.Unlock()
		if missing == 0 || time.Now().After(deadline) {
			return got, missing, dups, bad
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startReceiver serves rc on a loopback port.
func startReceiver(rc *receiver) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: rc, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// stats summarises one run's arrivals: delivered events per second over
// the run (first event created to last arrival) and the latency from the
// event's created-at to its arrival.
type stats struct {
	events        int
	perSec        float64
	p50, p99, max time.Duration
}

func summarise(got []arrival) stats {
	if len(got) == 0 {
		return stats{}
	}
	lat := make([]time.Duration, len(got))
	first, last := got[0].created, got[0].at
	for i, a := range got {
		lat[i] = a.at.Sub(a.created)
		if a.created.Before(first) {
			first = a.created
		}
		if a.at.After(last) {
			last = a.at
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	s := stats{events: len(got), p50: lat[len(lat)/2], p99: lat[len(lat)*99/100], max: lat[len(lat)-1]}
	if span := last.Sub(first).Seconds(); span > 0 {
		s.perSec = float64(len(got)) / span
	}
	return s
}
