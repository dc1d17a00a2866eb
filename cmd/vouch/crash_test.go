// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/sqlite"
)

// buildBinary compiles cmd/vouch once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "vouch-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "vouch")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// process is a vouch binary running in its own process.
type process struct {
	cmd *exec.Cmd
	url string
	key string
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// startProcess runs the binary on dataDir and waits until it is ready.
func startProcess(t *testing.T, bin, dataDir string, extra ...string) *process {
	t.Helper()
	addr := freeAddr(t)
	args := append([]string{"serve", "--data-dir", dataDir, "--listen", addr, "--rate-limit", "0", "--log-level", "warn"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, url: "http://" + addr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "vouch exited before it was ready")
			if k := sandboxKeyRE.FindString(l); k != "" {
				p.key = k
			}
			if strings.Contains(l, "is running at") {
				go func() { // keep draining so the child never blocks on stdout
					for range lines {
					}
				}()
				return p
			}
		case <-deadline:
			t.Fatal("vouch did not start within 60s")
		}
	}
}

// TestCrashDurability kills the server with SIGKILL while concurrent
// clients create inquiries, restarts it, and checks that every inquiry
// whose create returned 2xx is there, intact, and that SQLite's
// integrity_check passes.
func TestCrashDurability(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin, err := buildBinary()
	require.NoError(t, err)
	dataDir := t.TempDir()
	first := startProcess(t, bin, dataDir)
	key := first.key
	require.NotEmpty(t, key)
	tmplID := templateOf(t, first.url, key)

	type created struct{ id, name string }
	var mu sync.Mutex
	var acked []created
	p := first
	for round := 0; round < 3; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for c := 0; c < 8; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ctx.Err() == nil; n++ {
					name := fmt.Sprintf("crash-r%d-c%d-n%d", round, c, n)
					id, ok := createFor(ctx, p.url, key, tmplID, name)
					if ok {
						mu.Lock()
						acked = append(acked, created{id, name})
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+rand.IntN(1200)) * time.Millisecond)
		require.NoError(t, p.cmd.Process.Kill()) // SIGKILL: no shutdown at all
		_ = p.cmd.Wait()
		cancel()
		wg.Wait()
		p = startProcess(t, bin, dataDir)
		require.Empty(t, p.key, "a restart prints no new key")
	}
	require.NotEmpty(t, acked)
	for _, c := range acked {
		var body struct {
			Data struct {
				Attributes struct {
					Status string `json:"status"`
					Fields map[string]struct {
						Value any `json:"value"`
					} `json:"fields"`
				} `json:"attributes"`
			} `json:"data"`
		}
		status := getJSON(t, p.url+"/api/v1/inquiries/"+c.id, key, &body)
		require.Equal(t, 200, status, "inquiry %s acknowledged before the crash is gone", c.id)
		require.Equal(t, "created", body.Data.Attributes.Status)
		require.Equal(t, c.name, body.Data.Attributes.Fields["name_first"].Value)
	}
	t.Logf("%d acknowledged inquiries survived 3 SIGKILLs", len(acked))
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	_ = p.cmd.Wait()
	st, err := sqlite.Open(context.Background(), filepath.Join(dataDir, "vouch.db"))
	require.NoError(t, err)
	defer st.Close()
	require.NoError(t, st.IntegrityCheck(context.Background()))
}

func templateOf(t *testing.T, url, key string) string {
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	require.Equal(t, 200, getJSON(t, url+"/api/v1/inquiry-templates", key, &list))
	require.NotEmpty(t, list.Data)
	return list.Data[0].ID
}

// createFor creates one inquiry; ok only when the server answered 201 and
// the whole body arrived.
func createFor(ctx context.Context, url, key, tmplID, name string) (string, bool) {
	body := fmt.Sprintf(`{"data":{"attributes":{"inquiry-template-id":%q,"fields":{"name_first":%q}}}}`, tmplID, name)
	req, err := http.NewRequestWithContext(ctx, "POST", url+"/api/v1/inquiries", strings.NewReader(body))
	if err != nil {
		return "", false
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	var out struct {
		Data struct{ ID string } `json:"data"`
	}
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return "", false
	}
	return out.Data.ID, out.Data.ID != ""
}

func getJSON(t *testing.T, url, key string, into any) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
	return resp.StatusCode
}

// TestGracefulShutdown sends SIGTERM to a running binary: it finishes and
// exits with status 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildBinary()
	require.NoError(t, err)
	p := startProcess(t, bin, t.TempDir())
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "vouch exits cleanly on SIGTERM")
	case <-time.After(20 * time.Second):
		t.Fatal("vouch did not stop within 20s of SIGTERM")
	}
}
