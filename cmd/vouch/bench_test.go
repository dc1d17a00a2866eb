// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

// BenchmarkCreateInquiry measures the service's create on the real wiring
// (SQLite, River enqueue in the same transaction), without HTTP.
func BenchmarkCreateInquiry(b *testing.B) {
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
	in := vouch.CreateInquiryInput{TemplateID: t.ID, ReferenceID: "u", Fields: map[string]any{"name_first": "Jane"}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := a.Service.CreateInquiry(ctx, vouch.Sandbox, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkRetrieveInquiryHTTP measures GET /api/v1/inquiries/{id} through
// the whole server over loopback HTTP.
func BenchmarkRetrieveInquiryHTTP(b *testing.B) {
	c, err := ParseConfig("bench", []string{"--rate-limit", "0"}, getenvFor(map[string]string{
		"VOUCH_DATA_DIR": b.TempDir(), "VOUCH_LISTEN": "127.0.0.1:0", "VOUCH_LOG_LEVEL": "info"}))
	if err != nil {
		b.Fatal(err)
	}
	out := &vouchtest.LogBuffer{}
	s, err := StartServer(context.Background(), c, newLogger(c, nopWriter{}), out)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	key := sandboxKeyRE.FindString(out.String())
	ts := &testServer{Server: s, Key: key}
	t := &testing.T{}
	id := ts.createInquiry(t, "")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", s.URL+"/api/v1/inquiries/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
