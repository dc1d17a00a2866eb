// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vouch-id/vouch"
)

// Metrics are the Prometheus series about deliveries. Labels take a few
// fixed values only. A nil *Metrics records nothing.
type Metrics struct {
	attempts *prometheus.CounterVec
	latency  prometheus.Histogram
	queueLag prometheus.Histogram
	disables prometheus.Counter
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	buckets := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 3600}
	m := &Metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vouch_webhook_attempts_total",
			Help: "Webhook delivery attempts by outcome: succeeded, retry (failed, will be retried) or failed (the delivery's last attempt failed).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vouch_webhook_request_duration_seconds",
			Help:    "Time receivers took to answer a delivery attempt.",
			Buckets: buckets,
		}),
		queueLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vouch_webhook_queue_lag_seconds",
			Help:    "Time from an event's commit to its delivery's first attempt.",
			Buckets: buckets,
		}),
		disables: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vouch_webhook_endpoints_disabled_total",
			Help: "Endpoints disabled because they kept failing.",
		}),
	}
	for _, c := range []prometheus.Collector{m.attempts, m.latency, m.queueLag, m.disables} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register webhook metrics: %w", err)
		}
	}
	return m, nil
}

// attempt records one attempt.
func (m *Metrics) attempt(a *vouch.WebhookAttempt, final bool, took time.Duration) {
	if m == nil {
		return
	}
	outcome := "succeeded"
	switch {
	case a.Succeeded():
	case final:
		outcome = "failed"
	default:
		outcome = "retry"
	}
	m.attempts.WithLabelValues(outcome).Inc()
	m.latency.Observe(took.Seconds())
}

func (m *Metrics) lag(d time.Duration) {
	if m != nil {
		m.queueLag.Observe(max(d, 0).Seconds())
	}
}

func (m *Metrics) disabled() {
	if m != nil {
		m.disables.Inc()
	}
}
