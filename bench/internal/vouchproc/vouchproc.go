// SPDX-License-Identifier: Apache-2.0

// Package vouchproc runs the real vouch binary for the benchmarks: a fresh
// data folder, a free port, the sandbox key it prints on first start, and
// small helpers to call its API. Benchmarks measure the binary users run,
// not a test double of it.
package vouchproc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Options tune one server.
type Options struct {
	// Database is "sqlite" (the default) or a postgres:// URL.
	Database string
	// Host is the name clients use ("127.0.0.1" by default; "localhost"
	// makes the flow a different site from a host page on 127.0.0.1).
	Host string
	// Args are extra `vouch serve` flags.
	Args []string
}

// Process is a running vouch server.
type Process struct {
	URL  string // http://host:port
	Host string // host:port
	Key  string // the sandbox key printed on first start
	cmd  *exec.Cmd
	dir  string
}

var keyRE = regexp.MustCompile(`vouch_sandbox_[0-9A-Za-z]+`)

// Start runs bin serve on a fresh data folder with rate limiting (of the
// API and of the flow's creations) and the demo off, and waits until it prints its key and answers /readyz.
func Start(bin string, o Options) (*Process, error) {
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	dir, err := os.MkdirTemp("", "vouch-bench-")
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	host := o.Host + ":" + strconv.Itoa(port)
	args := append([]string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:" + strconv.Itoa(port),
		"--public-url", "http://" + host, "--rate-limit", "0", "--flow-create-limit", "0", "--demo=false"}, o.Args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "VOUCH_LOG_LEVEL=info")
	if o.Database != "" && o.Database != "sqlite" {
		cmd.Env = append(cmd.Env, "VOUCH_DATABASE_URL="+o.Database)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{URL: "http://" + host, Host: host, cmd: cmd, dir: dir}
	keyc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if k := keyRE.FindString(sc.Text()); k != "" {
				select {
				case keyc <- k:
				default:
				}
			}
		}
	}()
	select {
	case p.Key = <-keyc:
	case <-time.After(60 * time.Second):
		p.Stop()
		return nil, errors.New("vouch printed no sandbox key within 60s")
	}
	if err := p.waitReady(); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// Stop ends the server gracefully and removes its data folder.
func (p *Process) Stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	_ = p.cmd.Wait()
	_ = os.RemoveAll(p.dir)
}

func (p *Process) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := http.Get("http://127.0.0.1" + p.Host[strings.LastIndexByte(p.Host, ':'):] + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("vouch did not become ready")
}

// Call sends an API request with the sandbox key and decodes the answer
// into into (which may be nil).
func (p *Process) Call(c *http.Client, method, path string, body []byte, into any) error {
	req, err := http.NewRequest(method, p.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if into == nil {
		return nil
	}
	return json.Unmarshal(b, into)
}

// DemoTemplate returns the id of the sandbox demo template.
func (p *Process) DemoTemplate(c *http.Client) (string, error) {
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := p.Call(c, http.MethodGet, "/api/v1/inquiry-templates", nil, &list); err != nil {
		return "", err
	}
	for _, t := range list.Data {
		if strings.HasPrefix(t.ID, "itmpl_") {
			return t.ID, nil
		}
	}
	return "", errors.New("no itmpl_ template found")
}

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
