// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/postgres/pgtest"
	"github.com/vouch-id/vouch/webhook"
)

// webhookSink is a local receiver that verifies signatures and records the
// inquiry of every inquiry.created event it gets.
type webhookSink struct {
	mu      sync.Mutex
	secret  string
	created map[string]int // inquiry id → deliveries
	bad     int
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	time.Sleep(5 * time.Millisecond) // keep deliveries in flight
	s.mu.Lock()
	defer s.mu.Unlock()
	if webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, []string{s.secret}, time.Minute, time.Now()) != nil {
		s.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev struct {
		Data struct {
			Attributes struct {
				Name    string `json:"name"`
				Payload struct {
					Data struct{ ID string } `json:"data"`
				} `json:"payload"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &ev) == nil && ev.Data.Attributes.Name == "inquiry.created" {
		s.created[ev.Data.Attributes.Payload.Data.ID]++
	}
	w.WriteHeader(http.StatusOK)
}

// TestWebhookCrashLosesNothing kills the server with SIGKILL during a burst
// of deliveries, restarts it, and checks that every inquiry acknowledged
// before the crash has its inquiry.created event delivered, signed, on
// SQLite and on PostgreSQL.
func TestWebhookCrashLosesNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	forEachDatabase(t, testWebhookCrash)
}

func testWebhookCrash(t *testing.T, database string) {
	bin, err := buildBinary()
	require.NoError(t, err)
	sink := &webhookSink{created: map[string]int{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: sink, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	flags := []string{"--webhook-allowed-hosts", "127.0.0.1", "--webhook-retry-scale", "0.001",
		"--webhook-timeout", "2s", "--job-rescue-after", "15s"}
	if database == "postgres" {
		// A fresh schema; the restart opens the same one.
		flags = append(flags, "--database-url", pgtest.DSN(t))
	}
	dataDir := t.TempDir()
	p := startProcess(t, bin, dataDir, flags...)
	key := p.key
	tmplID := templateOf(t, p.url, key)
	body := fmt.Sprintf(`{"data":{"type":"webhook","attributes":{"url":"http://%s/hook","enabled-events":["inquiry.created"]}}}`, ln.Addr())
	req, err := http.NewRequest("POST", p.url+"/api/v1/webhooks", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var created struct {
		Data struct {
			Attributes struct {
				Secrets []struct{ Value string } `json:"secrets"`
			} `json:"attributes"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)
	sink.mu.Lock()
	sink.secret = created.Data.Attributes.Secrets[0].Value
	sink.mu.Unlock()

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				if id, ok := createFor(ctx, p.url, key, tmplID, fmt.Sprintf("hook-c%d-n%d", c, n)); ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, p.cmd.Process.Kill()) // SIGKILL mid-burst
	_ = p.cmd.Wait()
	cancel()
	wg.Wait()
	sink.mu.Lock()
	before := len(sink.created)
	sink.mu.Unlock()
	p = startProcess(t, bin, dataDir, flags...)

	require.NotEmpty(t, acked)
	start := time.Now()
	deadline := start.Add(150 * time.Second)
	for {
		sink.mu.Lock()
		missing := 0
		for _, id := range acked {
			if sink.created[id] == 0 {
				missing++
			}
		}
		dups := 0
		for _, n := range sink.created {
			dups += n - 1
		}
		bad := sink.bad
		sink.mu.Unlock()
		if missing == 0 {
			require.Zero(t, bad, "every signature verifies")
			t.Logf("%s: %d acknowledged inquiries, %d delivered before the SIGKILL, 0 lost, %d duplicates, all in %s after the restart",
				database, len(acked), before, dups, time.Since(start).Round(100*time.Millisecond))
			break
		}
		require.True(t, time.Now().Before(deadline), "%d of %d events still undelivered", missing, len(acked))
		time.Sleep(200 * time.Millisecond)
	}
}
