// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/postgres/pgtest"
	"github.com/vouch-id/vouch/vouchtest"
)

// BenchmarkCreateInquiry measures the service's create on the real wiring
// (SQLite, River enqueue in the same transaction), without HTTP, with one
// reference id for every inquiry (one account).
func BenchmarkCreateInquiry(b *testing.B) {
	benchCreate(b, func(int64) string { return "u" })
}

// BenchmarkCreateInquiryNewAccount is BenchmarkCreateInquiry with a new
// reference id for every inquiry, as when each end user verifies once:
// every create also creates an account and its event, and looks its
// reference id up among all the accounts made before it.
func BenchmarkCreateInquiryNewAccount(b *testing.B) {
	benchCreate(b, func(n int64) string { return "user-" + strconv.FormatInt(n, 10) })
}

func benchCreate(b *testing.B, reference func(n int64) string) {
	c, err := ParseConfig("bench", nil, getenvFor(map[string]string{"VOUCH_DATA_DIR": b.TempDir(), "VOUCH_LOG_LEVEL": "error"}))
	if err != nil {
		b.Fatal(err)
	}
	a, err := OpenApp(context.Background(), c, newLogger(c, nopWriter{}), false)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	t, _, err := a.Service.CreateTemplate(ctx, vouch.Sandbox, "b", false, vouch.TemplateConfig{
		Steps:  []vouch.Step{{Name: "s", Type: vouch.StepStart}},
		Fields: []vouch.FieldSchema{{Key: "name_first", Type: vouch.FieldString}},
	})
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	// As many concurrent creates as the HTTP benchmark has clients.
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			in := vouch.CreateInquiryInput{TemplateID: t.ID, ReferenceID: reference(n.Add(1)), Fields: map[string]any{"name_first": "Jane"}}
			if _, _, err := a.Service.CreateInquiry(ctx, vouch.Sandbox, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkRetrieveInquiryHTTP measures GET /api/v1/inquiries/{id}
// through the whole server over loopback HTTP.
func BenchmarkRetrieveInquiryHTTP(b *testing.B) {
	benchHTTP(b, "sqlite", func(ts *testServer) func() *http.Request {
		id := ts.createInquiry(&testing.T{}, "")
		return func() *http.Request {
			req, _ := http.NewRequest("GET", ts.URL+"/api/v1/inquiries/"+id, nil)
			return req
		}
	}, 200)
}

// BenchmarkCreateInquiryHTTP measures POST /api/v1/inquiries through the
// whole server over loopback HTTP, with the body bench/apibench sends.
func BenchmarkCreateInquiryHTTP(b *testing.B) {
	benchHTTP(b, "sqlite", func(ts *testServer) func() *http.Request {
		body := `{"data":{"attributes":{"inquiry-template-id":"` + ts.demoTemplateID(&testing.T{}) +
			`","reference-id":"user-1","fields":{"name_first":"Jane","name_last":"Doe","birthdate":"1990-01-02"}}}}`
		return func() *http.Request {
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/inquiries", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return req
		}
	}, 201)
}

// BenchmarkListInquiriesHTTP measures GET /api/v1/inquiries with a full
// page of 100 inquiries, each of its own account (as when every end user
// verifies once), through the whole server over loopback HTTP.
func BenchmarkListInquiriesHTTP(b *testing.B) {
	benchList(b, "/api/v1/inquiries?page%5Bsize%5D=100")
}

// BenchmarkListEventsHTTP measures GET /api/v1/events with a full page of
// 100 events of 50 inquiries (each inquiry.created beside its
// account.created), whose snapshots open with their inquiries' keys.
func BenchmarkListEventsHTTP(b *testing.B) {
	benchList(b, "/api/v1/events?page%5Bsize%5D=100")
}

// benchList creates 100 inquiries, each with its own reference id, on
// each database and measures GET path.
func benchList(b *testing.B, path string) {
	for _, database := range []string{"sqlite", "postgres"} {
		b.Run(database, func(b *testing.B) {
			benchHTTP(b, database, func(ts *testServer) func() *http.Request {
				t := &testing.T{}
				for i := range 100 {
					if status, body := ts.do(t, "POST", "/api/v1/inquiries", `{"data":{"attributes":{"inquiry-template-id":"`+
						ts.demoTemplateID(t)+`","reference-id":"user-`+strconv.Itoa(i)+`","fields":{"name_first":"Jane"}}}}`); status != 201 {
						b.Fatalf("create: %d %v", status, body)
					}
				}
				return func() *http.Request {
					req, _ := http.NewRequest("GET", ts.URL+path, nil)
					return req
				}
			}, 200)
		})
	}
}

// benchHTTP starts the server on database (sqlite or postgres) and sends
// the requests newRequest makes from 16 goroutines, as bench/apibench's
// clients do.
func benchHTTP(b *testing.B, database string, setup func(ts *testServer) func() *http.Request, want int) {
	vars := map[string]string{"VOUCH_DATA_DIR": b.TempDir(), "VOUCH_LISTEN": "127.0.0.1:0", "VOUCH_LOG_LEVEL": "info"}
	if database == "postgres" {
		vars["VOUCH_DATABASE_URL"] = pgtest.DSN(b)
	}
	c, err := ParseConfig("bench", []string{"--rate-limit", "0"}, getenvFor(vars))
	if err != nil {
		b.Fatal(err)
	}
	out := &vouchtest.LogBuffer{}
	s, err := StartServer(context.Background(), c, newLogger(c, nopWriter{}), out)
	if err != nil {
		b.Fatal(err)
	}
	key := sandboxKeyRE.FindString(out.String())
	newRequest := setup(&testServer{Server: s, Key: key})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	// Shutdown is not part of the measure. It waits for the connections
	// the client dialled and never used (net/http treats them as busy for
	// 5 s), which added 5 s to some runs; closing them first spares that.
	defer func() {
		b.StopTimer()
		client.CloseIdleConnections()
		_ = s.Shutdown(context.Background())
	}()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := newRequest()
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkWebhookDelivery measures the whole cost of one webhook: an
// inquiry created by the service writes inquiry.created, and the real job
// queue delivers it to a local receiver over HTTP. One op is one event
// delivered; eight goroutines create inquiries.
func BenchmarkWebhookDelivery(b *testing.B) {
	for _, database := range []string{"sqlite", "postgres"} {
		b.Run(database, func(b *testing.B) {
			vars := map[string]string{"VOUCH_DATA_DIR": b.TempDir(), "VOUCH_LISTEN": "127.0.0.1:0", "VOUCH_LOG_LEVEL": "error"}
			if database == "postgres" {
				vars["VOUCH_DATABASE_URL"] = pgtest.DSN(b)
			}
			c, err := ParseConfig("bench", []string{"--webhook-allowed-hosts", "127.0.0.1"}, getenvFor(vars))
			if err != nil {
				b.Fatal(err)
			}
			s, err := StartServer(context.Background(), c, newLogger(c, nopWriter{}), io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Shutdown(context.Background())
			var got atomic.Int64
			all := make(chan struct{})
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if got.Add(1) == int64(b.N) {
					close(all)
				}
			}))
			defer recv.Close()
			ctx := context.Background()
			svc := s.App.Service
			if _, err := svc.CreateWebhook(ctx, vouch.Sandbox, recv.URL+"/hook", []string{vouch.EventInquiryCreated}, nil); err != nil {
				b.Fatal(err)
			}
			t, _, err := svc.CreateTemplate(ctx, vouch.Sandbox, "b", false, vouch.TemplateConfig{
				Steps: []vouch.Step{{Name: "s", Type: vouch.StepStart}},
			})
			if err != nil {
				b.Fatal(err)
			}
			in := vouch.CreateInquiryInput{TemplateID: t.ID}
			b.ResetTimer()
			var next atomic.Int64
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if _, _, err := svc.CreateInquiry(ctx, vouch.Sandbox, in); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			select {
			case <-all:
			case <-time.After(time.Minute):
				b.Fatalf("%d of %d events delivered", got.Load(), b.N)
			}
		})
	}
}
