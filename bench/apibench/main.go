// SPDX-License-Identifier: Apache-2.0

// Command apibench measures the REST API over real HTTP: create-inquiry and
// retrieve-inquiry against a running vouch binary, each beside a trivial Go
// HTTP handler measured in the same run on the same machine, and reports
// requests per second, p50/p99 latency and the ratio to that baseline.
// Create runs twice: with one reference id for every inquiry (its account
// exists after the first), and with a new one each time, as when every
// end user verifies once, so that each create also makes an account.
// On SQLite it also measures the floor (bench/internal/floor): the create's
// rows written through the same schema with nothing else, an upper bound
// for any create on this schema and machine, and gives create as a share
// of it.
//
//	go run ./bench/apibench -vouch ./bin/vouch -database sqlite
//	go run ./bench/apibench -vouch ./bin/vouch -database postgres://…
//
// bench/api.sh builds the binary and runs both databases.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vouch-id/vouch/bench/internal/floor"
	"github.com/vouch-id/vouch/bench/internal/vouchproc"
)

func main() {
	bin := flag.String("vouch", "./bin/vouch", "path to the vouch binary")
	database := flag.String("database", "sqlite", "sqlite, or a postgres:// URL")
	duration := flag.Duration("duration", 10*time.Second, "how long each measurement runs")
	conc := flag.Int("concurrency", 16, "concurrent clients")
	flag.Parse()
	if err := run(*bin, *database, *duration, *conc); err != nil {
		fmt.Fprintln(os.Stderr, "apibench:", err)
		os.Exit(1)
	}
}

// result is one measurement.
type result struct {
	name      string
	requests  int
	errors    int64
	rps       float64
	p50, p99  time.Duration
	latencies []time.Duration
	elapsed   time.Duration
	// cpu is the server process's CPU time over the run: known for the
	// vouch runs only (the baseline serves from this process).
	cpu time.Duration
}

func run(bin, database string, d time.Duration, conc int) error {
	base, stop, err := startBaseline()
	if err != nil {
		return err
	}
	defer stop()
	v, err := vouchproc.Start(bin, vouchproc.Options{Database: database})
	if err != nil {
		return err
	}
	defer v.Stop()
	url, key := v.URL, v.Key
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2}}

	tmpl, err := v.DemoTemplate(client)
	if err != nil {
		return err
	}
	createBody := []byte(fmt.Sprintf(`{"data":{"attributes":{"inquiry-template-id":%q,"reference-id":"bench-user",`+
		`"fields":{"name_first":"Jane","name_last":"Doe","birthdate":"1990-01-31"}}}}`, tmpl))
	var sample struct {
		Data struct{ ID string } `json:"data"`
	}
	if err := v.Call(client, "POST", "/api/v1/inquiries", createBody, &sample); err != nil {
		return err
	}
	retrieveURL := url + "/api/v1/inquiries/" + sample.Data.ID
	var users atomic.Int64
	newAccountBody := func() []byte {
		return []byte(fmt.Sprintf(`{"data":{"attributes":{"inquiry-template-id":%q,"reference-id":"bench-user-%d",`+
			`"fields":{"name_first":"Jane","name_last":"Doe","birthdate":"1990-01-31"}}}}`, tmpl, users.Add(1)))
	}
	create := func(body []byte) (*http.Request, error) {
		r, err := http.NewRequest("POST", url+"/api/v1/inquiries", bytes.NewReader(body))
		if r != nil {
			r.Header.Set("Authorization", "Bearer "+key)
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	}

	type run struct {
		name string
		req  func() (*http.Request, error)
	}
	// local runs are served from this process (the floor; the baselines
	// are always), so the vouch process's CPU time means nothing for them.
	local := map[string]bool{}
	runs := []run{
		{"baseline POST", func() (*http.Request, error) {
			return http.NewRequest("POST", base+"/create", bytes.NewReader(createBody))
		}},
		{"create inquiry", func() (*http.Request, error) { return create(createBody) }},
		{"baseline GET", func() (*http.Request, error) { return http.NewRequest("GET", base+"/retrieve", nil) }},
		{"retrieve inquiry", func() (*http.Request, error) {
			r, err := http.NewRequest("GET", retrieveURL, nil)
			if r != nil {
				r.Header.Set("Authorization", "Bearer "+key)
			}
			return r, err
		}},
		{"baseline POST (new accounts)", func() (*http.Request, error) {
			return http.NewRequest("POST", base+"/create", bytes.NewReader(createBody))
		}},
		{"create inquiry, new account", func() (*http.Request, error) { return create(newAccountBody()) }},
	}
	pairs := [][2]string{{"create inquiry", "baseline POST"}, {"retrieve inquiry", "baseline GET"},
		{"create inquiry, new account", "baseline POST (new accounts)"}}
	if database == "sqlite" {
		// The floor: the rows a create writes and nothing else, served
		// from this process like the baseline (see bench/internal/floor).
		dir, err := os.MkdirTemp("", "vouch-floor-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		f, err := floor.Start(dir)
		if err != nil {
			return err
		}
		defer f.Close()
		runs = append(runs,
			run{"baseline POST (floor)", func() (*http.Request, error) {
				return http.NewRequest("POST", base+"/create", bytes.NewReader(createBody))
			}},
			run{"floor: the create's two rows only", func() (*http.Request, error) {
				return http.NewRequest("POST", f.URL, bytes.NewReader(createBody))
			}})
		local["floor: the create's two rows only"] = true
		pairs = append(pairs, [2]string{"floor: the create's two rows only", "baseline POST (floor)"})
	}
	// Each pair (baseline, subject) is measured in alternating one-second
	// slices, so both see the same background load on a shared machine
	// and the ratio stays meaningful when that load changes.
	results := map[string]result{}
	slices := int(d / time.Second)
	if slices < 1 {
		slices = 1
	}
	for i := 0; i+1 < len(runs); i += 2 {
		var parts [2][]result
		for n := 0; n < slices; n++ {
			for j := 0; j < 2; j++ {
				r := runs[i+j]
				slice := func() result { return measure(client, r.name, r.req, d/time.Duration(slices), conc) }
				if j == 0 || local[r.name] {
					parts[j] = append(parts[j], slice())
				} else {
					parts[j] = append(parts[j], withServerCPU(v, slice))
				}
			}
		}
		for j := 0; j < 2; j++ {
			results[runs[i+j].name] = merge(parts[j])
		}
	}
	db := "SQLite"
	if database != "sqlite" {
		db = "PostgreSQL"
	}
	fmt.Printf("\n%s, %d clients, %s per run in alternating 1 s slices, GOMAXPROCS=%d\n\n", db, conc, d, runtime.GOMAXPROCS(0))
	fmt.Println("| run | requests | errors | req/s | p50 | p99 | ratio to baseline | vouch CPU per request |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, p := range pairs {
		b, v := results[p[1]], results[p[0]]
		cpu := ""
		if v.cpu > 0 && v.requests > 0 {
			cpu = (v.cpu / time.Duration(v.requests)).Round(time.Microsecond).String()
		}
		fmt.Printf("| %s | %d | %d | %.0f | %s | %s | | |\n", b.name, b.requests, b.errors, b.rps, b.p50, b.p99)
		if local[v.name] {
			fmt.Printf("| %s | %d | %d | %.0f | %s | %s | %.1f %% | |\n", v.name, v.requests, v.errors, v.rps, v.p50, v.p99, 100*v.rps/b.rps)
			c := results["create inquiry"]
			fmt.Printf("\ncreate inquiry runs at %.0f %% of the floor's rate (each against its own baseline: %.1f %% / %.1f %%)\n",
				100*(c.rps/results["baseline POST"].rps)/(v.rps/b.rps), 100*c.rps/results["baseline POST"].rps, 100*v.rps/b.rps)
			continue
		}
		fmt.Printf("| %s (%s) | %d | %d | %.0f | %s | %s | %.1f %% | %s |\n", v.name, db, v.requests, v.errors, v.rps, v.p50, v.p99, 100*v.rps/b.rps, cpu)
	}
	for _, r := range results {
		if r.errors > 0 {
			return fmt.Errorf("%s: %d requests failed", r.name, r.errors)
		}
	}
	return nil
}

// withServerCPU runs m and adds the vouch process's CPU time over it,
// where the platform tells it.
func withServerCPU(v *vouchproc.Process, m func() result) result {
	before, err := v.CPUTime()
	r := m()
	if after, err2 := v.CPUTime(); err == nil && err2 == nil {
		r.cpu = after - before
	}
	return r
}

// merge combines the slices of one run.
func merge(parts []result) result {
	out := result{name: parts[0].name}
	var lat []time.Duration
	var secs float64
	for _, p := range parts {
		out.requests += p.requests
		out.errors += p.errors
		out.cpu += p.cpu
		lat = append(lat, p.latencies...)
		secs += p.elapsed.Seconds()
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	out.rps = float64(out.requests) / secs
	if len(lat) > 0 {
		out.p50 = lat[len(lat)/2].Round(time.Microsecond)
		out.p99 = lat[len(lat)*99/100].Round(time.Microsecond)
	}
	return out
}

// measure runs conc clients for d and collects every latency.
func measure(c *http.Client, name string, mk func() (*http.Request, error), d time.Duration, conc int) result {
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) {
				req, err := mk()
				if err != nil {
					errs.Add(1)
					continue
				}
				t0 := time.Now()
				resp, err := c.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode >= 300 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r := result{name: name, requests: len(all), errors: errs.Load(), rps: float64(len(all)) / elapsed.Seconds(),
		latencies: all, elapsed: elapsed}
	if len(all) > 0 {
		r.p50 = all[len(all)/2].Round(time.Microsecond)
		r.p99 = all[len(all)*99/100].Round(time.Microsecond)
	}
	return r
}

// startBaseline serves a trivial handler: read the body, answer a small
// JSON document. It is what "the cost of HTTP on this machine" means here.
func startBaseline() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"type":"inquiry","id":"inq_baseline","attributes":{"status":"created"}}}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
