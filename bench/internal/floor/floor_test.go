// SPDX-License-Identifier: Apache-2.0

package floor

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vouch-id/vouch/sqlite"
)

// TestFloorWritesEveryRow checks that the floor does the work it claims to
// measure: every 201 is an inquiry and its event, committed through vouch's
// schema, and concurrent requests share group commits without losing one.
func TestFloorWritesEveryRow(t *testing.T) {
	dir := t.TempDir()
	s, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(s.URL, "application/json", strings.NewReader(`{}`))
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("status %d, want 201", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s.Close()

	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "floor.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var inquiries, events int
	if err := st.ReaderDB().QueryRow(`SELECT (SELECT count(*) FROM inquiries), (SELECT count(*) FROM events
		WHERE inquiry_id IN (SELECT id FROM inquiries))`).Scan(&inquiries, &events); err != nil {
		t.Fatal(err)
	}
	if inquiries != n || events != n {
		t.Fatalf("%d inquiries and %d events, want %d of each", inquiries, events, n)
	}
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}
