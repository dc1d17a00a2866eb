// SPDX-License-Identifier: Apache-2.0

package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vouch-id/vouch"
)

// Metrics are the Prometheus series Vouch exports about its HTTP traffic
// and its inquiries. Every label has a bounded set of values (route
// patterns, standard methods, statuses, inquiry statuses), so a client
// cannot grow the series count by sending odd requests.
//
// A nil *Metrics is valid and records nothing, so tests and tools can run
// the middleware without a registry.
type Metrics struct {
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	transitions *prometheus.CounterVec
	cache       *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them on reg. It fails if reg
// already holds series of the same names (for example when called twice).
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vouch_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vouch_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vouch_inquiry_transitions_total",
			Help: "Committed inquiry status changes, by old and new status.",
		}, []string{"from", "to"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vouch_api_response_cache_lookups_total",
			Help: "API retrieves looked up in the response cache, by result (hit or miss).",
		}, []string{"result"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.transitions, m.cache} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// InquiryTransition counts one committed status change. Its signature
// matches vouch.Service.OnTransition, to which cmd/vouch hooks it.
func (m *Metrics) InquiryTransition(from, to vouch.InquiryStatus) {
	if m == nil {
		return
	}
	m.transitions.WithLabelValues(statusLabel(from), statusLabel(to)).Inc()
}

// ResponseCacheLookup counts one lookup in the API's response cache. Its
// signature matches api.Config.OnCacheLookup, to which cmd/vouch hooks it.
func (m *Metrics) ResponseCacheLookup(hit bool) {
	if m == nil {
		return
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	m.cache.WithLabelValues(result).Inc()
}

// statusLabel keeps the label set bounded even if a caller passes a status
// the domain does not know; "" is the status before creation.
func statusLabel(s vouch.InquiryStatus) string {
	if s == "" || s.Valid() {
		return string(s)
	}
	return "unknown"
}

// observe records one served request.
func (m *Metrics) observe(route, method string, status int, elapsed time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(elapsed.Seconds())
}
