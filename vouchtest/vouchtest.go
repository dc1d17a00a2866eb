// SPDX-License-Identifier: Apache-2.0

// Package vouchtest builds real services and fixtures for tests: a service
// on a real SQLite database in a temporary folder, templates, inquiries.
// Nothing here is a mock; jobs are recorded instead of run unless a test
// wires a real queue, and no periodic expiry sweep runs: a test moves Clock
// past an inquiry's expires-at and calls Service.ExpireDueInquiries.
package vouchtest

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/blob"
	"github.com/vouch-id/vouch/sqlite"
)

// JobSink records the jobs a store enqueues, for tests that run them by
// hand (or not at all).
type JobSink struct {
	mu   sync.Mutex
	Jobs []vouch.Job
}

// Insert is a sqlstore.InsertJobFunc. The job is recorded even if the
// transaction later rolls back, so tests of rollback use the real queue.
func (s *JobSink) Insert(_ context.Context, _ *sql.Tx, job vouch.Job, _ vouch.JobOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Jobs = append(s.Jobs, job)
	return nil
}

// Kinds returns the kinds of the recorded jobs in order.
func (s *JobSink) Kinds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.Jobs))
	for i, j := range s.Jobs {
		out[i] = j.Kind()
	}
	return out
}

// Env is a service with everything behind it.
type Env struct {
	Service *vouch.Service
	Store   *sqlite.Store
	Jobs    *JobSink
	DataDir string
	// Clock is the service's clock; Advance moves it.
	Clock *Clock
}

// MustOpen returns a service on a fresh SQLite database and blob folder in
// t.TempDir(), closed when the test ends.
func MustOpen(tb testing.TB) *Env {
	tb.Helper()
	dir := tb.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "vouch.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = st.Close() })
	sink := &JobSink{}
	st.SetInsertJob(sink.Insert)
	blobs, err := blob.NewFS(filepath.Join(dir, "blobs"))
	require.NoError(tb, err)
	keys, err := vouch.NewKeyring(bytes.Repeat([]byte{42}, vouch.KeySize))
	require.NoError(tb, err)
	clock := &Clock{now: time.Now().UTC()}
	svc := vouch.NewService(st, keys, blobs)
	svc.Now = clock.Now
	return &Env{Service: svc, Store: st, Jobs: sink, DataDir: dir, Clock: clock}
}

// Clock is a settable clock for the service.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// DemoConfig is a template configuration with a form, a government ID and a
// selfie, like the bundled demo.
func DemoConfig() vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart},
			{Name: "about", Type: vouch.StepForm, Fields: []string{"name_first", "name_last", "birthdate"}},
			{Name: "government-id", Type: vouch.StepGovernmentID, IDClasses: []string{"dl", "pp"}},
			{Name: "selfie", Type: vouch.StepSelfie, Capture: vouch.SelfieCenter},
			{Name: "done", Type: vouch.StepCompletion},
		},
		Fields: []vouch.FieldSchema{
			{Key: "name_first", Type: vouch.FieldString},
			{Key: "name_last", Type: vouch.FieldString},
			{Key: "birthdate", Type: vouch.FieldDate},
		},
		AllowedOrigins: []string{"https://shop.example"},
		Verification:   vouch.VerificationSettings{MaxAttempts: 2},
	}
}

// Template creates an active Dynamic Flow template with DemoConfig in env.
func Template(tb testing.TB, e *Env, env vouch.Environment) *vouch.Template {
	tb.Helper()
	t, _, err := e.Service.CreateTemplate(context.Background(), env, "Test template", false, DemoConfig())
	require.NoError(tb, err)
	return t
}

// Inquiry creates an inquiry from a fresh template in env with in's
// settings (its template ids are filled in when empty).
func Inquiry(tb testing.TB, e *Env, env vouch.Environment, in vouch.CreateInquiryInput) *vouch.InquiryDetails {
	tb.Helper()
	if in.TemplateID == "" && in.TemplateVersionID == "" && in.LegacyTemplateID == "" {
		in.TemplateID = Template(tb, e, env).ID
	}
	d, _, err := e.Service.CreateInquiry(context.Background(), env, in)
	require.NoError(tb, err)
	return d
}
