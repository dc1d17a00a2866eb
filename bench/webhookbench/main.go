// SPDX-License-Identifier: Apache-2.0

// Command webhookbench measures webhook delivery: a running vouch binary
// delivers inquiry.created events to a local receiver while inquiries are
// created through the API at a fixed rate, and the receiver records when
// each event arrived. It reports delivered events per second and the
// latency from the event's created-at (its commit, when its delivery job
// is enqueued) to its arrival, p50 and p99, beside a baseline measured in
// the same run: a Go client posting signed bodies of the same size
// straight to the same receiver at the same rate, which is what HTTP
// delivery costs on this machine without Vouch. It then raises the rate
// until delivery no longer keeps up (or, when the main rate is not kept
// up with, lowers it until it is) to find the highest sustained rate.
//
// The event source is the API's create-inquiry, the cheapest way a client
// makes Vouch write an event; with -endpoints N each inquiry.created goes
// to N endpoints, so the creates run at rate/N and delivery is measured
// apart from the cost of creating inquiries.
//
//	go run ./bench/webhookbench -vouch ./bin/vouch -database sqlite
//	go run ./bench/webhookbench -vouch ./bin/vouch -database postgres://…
//
// bench/webhooks.sh builds the binary and runs both databases.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vouch-id/vouch/webhook"

	"github.com/vouch-id/vouch/bench/internal/vouchproc"
)

func main() {
	bin := flag.String("vouch", "./bin/vouch", "path to the vouch binary")
	database := flag.String("database", "sqlite", "sqlite, or a postgres:// URL")
	duration := flag.Duration("duration", 10*time.Second, "how long each rate is offered")
	rate := flag.Int("rate", 500, "events per second of the main measurement")
	steps := flag.String("max-rates", "750,1000,1500,2000,3000", "higher rates tried in order, when -rate is sustained, to find the highest sustained one")
	lower := flag.String("min-rates", "400,300,200,100", "lower rates tried in order, when -rate is not sustained")
	fanout := flag.Int("endpoints", 1, "endpoints subscribed to inquiry.created: each inquiry makes this many deliveries, so inquiries are created at rate/endpoints a second")
	flag.Parse()
	var rates, down []int
	for _, s := range strings.Split(*steps, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > *rate {
			rates = append(rates, n)
		}
	}
	for _, s := range strings.Split(*lower, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n < *rate && n%*fanout == 0 {
			down = append(down, n)
		}
	}
	if *fanout < 1 || *rate%*fanout != 0 {
		fmt.Fprintln(os.Stderr, "webhookbench: -endpoints must be at least 1 and divide -rate")
		os.Exit(2)
	}
	if err := run(*bin, *database, *duration, *rate, *fanout, rates, down); err != nil {
		fmt.Fprintln(os.Stderr, "webhookbench:", err)
		os.Exit(1)
	}
}

// A run keeps up when it offered at least this share of its rate, every
// event arrived within drainTimeout, and p99 stayed under maxSustainedP99:
// a backlog that grows for the whole run shows as a p99 of seconds.
const (
	minOfferedShare = 0.97
	drainTimeout    = 30 * time.Second
	maxSustainedP99 = time.Second
)

// row is one line of the report.
type row struct {
	name     string
	rate     int
	offered  float64 // events/s the generator managed to start
	errors   int
	missing  int
	dups     int
	s        stats
	baseline *row
}

func (r *row) sustained() bool {
	return r.errors == 0 && r.missing == 0 && r.offered >= minOfferedShare*float64(r.rate) && r.s.p99 <= maxSustainedP99
}

func run(bin, database string, d time.Duration, rate, fanout int, higher, lower []int) error {
	rc := &receiver{arrived: map[string]arrival{}}
	recvAddr, stopRecv, err := startReceiver(rc)
	if err != nil {
		return err
	}
	defer stopRecv()
	// Deliveries may reach the local receiver only because it is allowlisted.
	v, err := vouchproc.Start(bin, vouchproc.Options{Database: database, Args: []string{"--webhook-allowed-hosts", "127.0.0.1"}})
	if err != nil {
		return err
	}
	defer v.Stop()
	api := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}}
	tmpl, err := v.DemoTemplate(api)
	if err != nil {
		return err
	}
	// fanout endpoints, each subscribed to inquiry.created: one inquiry
	// makes fanout deliveries.
	rc.secrets = map[string]string{}
	for k := range fanout {
		var hook struct {
			Data struct {
				Attributes struct {
					Secrets []struct{ Value string } `json:"secrets"`
				} `json:"attributes"`
			} `json:"data"`
		}
		path := fmt.Sprintf("/hook/%d", k)
		body := fmt.Sprintf(`{"data":{"type":"webhook","attributes":{"url":"http://%s%s","enabled-events":["inquiry.created"]}}}`, recvAddr, path)
		if err := v.Call(api, "POST", "/api/v1/webhooks", []byte(body), &hook); err != nil {
			return err
		}
		if len(hook.Data.Attributes.Secrets) == 0 {
			return errors.New("the webhook was created without a secret")
		}
		rc.secrets[path] = hook.Data.Attributes.Secrets[0].Value
	}

	createBody := []byte(fmt.Sprintf(`{"data":{"attributes":{"inquiry-template-id":%q,`+
		`"fields":{"name_first":"Jane","name_last":"Doe","birthdate":"1990-01-31"}}}}`, tmpl))
	create := func(ctx context.Context, _ int) ([]string, error) {
		var out struct {
			Data struct{ ID string } `json:"data"`
		}
		if err := v.Call(api, "POST", "/api/v1/inquiries", createBody, &out); err != nil {
			return nil, err
		}
		ids := make([]string, fanout)
		for k := range ids {
			ids[k] = fmt.Sprintf("/hook/%d %s", k, out.Data.ID)
		}
		return ids, nil
	}
	// The baseline posts, signed, a body the size of a real delivery.
	direct := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}}
	sample, err := sampleBody(rc, create)
	if err != nil {
		return err
	}
	post := func(ctx context.Context, n int) ([]string, error) {
		id := "base_" + strconv.Itoa(n)
		now := time.Now()
		b := bytes.ReplaceAll(sample, []byte("@ID@"), []byte(id))
		b = bytes.Replace(b, []byte("@TIME@"), []byte(now.UTC().Format("2006-01-02T15:04:05.000Z")), 1)
		req, err := http.NewRequestWithContext(ctx, "POST", "http://"+recvAddr+"/hook/0", bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(webhook.SignatureHeader, webhook.Sign(b, []string{rc.secrets["/hook/0"]}, now))
		resp, err := direct.Do(req)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			return nil, fmt.Errorf("baseline: status %d", resp.StatusCode)
		}
		return []string{"/hook/0 " + id}, nil
	}

	// Warm up both paths (connections, caches, the first jobs).
	measure(rc, "warm-up", min(rate, 200), 1, 2*time.Second, post)
	measure(rc, "warm-up", min(rate, 200), fanout, 2*time.Second, create)

	db := "SQLite"
	if database != "sqlite" {
		db = "PostgreSQL"
	}
	base := measure(rc, "baseline: Go client → receiver", rate, 1, d, post)
	main := measure(rc, "Vouch ("+db+") → receiver", rate, fanout, d, create)
	main.baseline = &base
	rows := []row{base, main}
	best := 0
	if main.sustained() {
		best = rate
		for _, r := range higher {
			x := measure(rc, "Vouch ("+db+") → receiver", r, fanout, d, create)
			rows = append(rows, x)
			if !x.sustained() {
				break
			}
			best = r
		}
	} else {
		for _, r := range lower {
			x := measure(rc, "Vouch ("+db+") → receiver", r, fanout, d, create)
			rows = append(rows, x)
			if x.sustained() {
				best = r
				break
			}
		}
	}

	fmt.Printf("\n%s, %d endpoint(s) subscribed to inquiry.created (%d inquiries/s at %d events/s), %s per rate, GOMAXPROCS=%d\n\n",
		db, fanout, rate/fanout, rate, d, runtime.GOMAXPROCS(0))
	fmt.Println("| run | events/s asked (offered) | delivered | create errors | not delivered within 30 s | duplicates | delivered events/s | p50 | p99 | max | ratio to baseline |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		ratio := ""
		if r.baseline != nil && r.baseline.s.perSec > 0 && r.baseline.s.p99 > 0 {
			ratio = fmt.Sprintf("%.0f %% of the events/s; p50 ×%.1f, p99 ×%.1f", 100*r.s.perSec/r.baseline.s.perSec,
				float64(r.s.p50)/float64(r.baseline.s.p50), float64(r.s.p99)/float64(r.baseline.s.p99))
		}
		fmt.Printf("| %s | %d (%.0f) | %d | %d | %d | %d | %.0f | %s | %s | %s | %s |\n", r.name, r.rate, r.offered,
			r.s.events, r.errors, r.missing, r.dups, r.s.perSec, ms(r.s.p50), ms(r.s.p99), ms(r.s.max), ratio)
	}
	verdict := "met"
	if main.s.p99 > 100*time.Millisecond || !main.sustained() {
		verdict = "MISSED"
	}
	fmt.Printf("\ntarget p99 ≤ 100 ms at %d events/s: %s (p99 %s)\n", rate, verdict, ms(main.s.p99))
	if best > 0 {
		fmt.Printf("highest sustained rate tried: %d events/s\n", best)
	} else {
		fmt.Println("no rate tried was sustained")
	}
	if rc.bad > 0 {
		return fmt.Errorf("%d deliveries failed verification", rc.bad)
	}
	return nil
}

// ms formats a latency in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// measure offers rate events per second for d, each started by fire
// (which returns the id the receiver will see), then waits for them to
// arrive. The generator is open-loop: it starts event n at n/rate seconds
// whatever happened to earlier ones, with up to 1024 in flight; when that
// is not enough it falls behind, which shows as a lower offered rate.
func measure(rc *receiver, name string, rate, per int, d time.Duration, fire func(context.Context, int) ([]string, error)) row {
	rc.reset()
	ctx := context.Background()
	// Each fire makes per events, so fires run at rate/per a second.
	interval := time.Second * time.Duration(per) / time.Duration(rate)
	total := int(d / interval)
	sem := make(chan struct{}, 1024)
	var mu sync.Mutex
	var ids []string
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for n := 0; n < total; n++ {
		if wait := time.Until(start.Add(time.Duration(n) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			got, err := fire(ctx, n)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if errs == 0 {
					fmt.Fprintln(os.Stderr, name+":", err)
				}
				errs++
				return
			}
			ids = append(ids, got...)
		}()
	}
	offered := float64(total*per) / time.Since(start).Seconds()
	wg.Wait()
	got, missing, dups, _ := rc.collect(ids, drainTimeout)
	r := row{name: name, rate: rate, offered: offered, errors: errs, missing: missing, dups: dups, s: summarise(got)}
	fmt.Fprintf(os.Stderr, "%s at %d/s: offered %.0f/s, %d delivered, %d not within 30 s, p50 %s, p99 %s\n",
		name, rate, offered, r.s.events, missing, ms(r.s.p50), ms(r.s.p99))
	return r
}

// sampleBody creates one inquiry, waits for its delivery, and returns a
// body of the same size with @ID@ and @TIME@ placeholders for the baseline
// to fill.
func sampleBody(rc *receiver, create func(context.Context, int) ([]string, error)) ([]byte, error) {
	rc.reset()
	ids, err := create(context.Background(), 0)
	if err != nil {
		return nil, err
	}
	if _, missing, _, _ := rc.collect(ids, drainTimeout); missing > 0 {
		return nil, errors.New("the first delivery did not arrive")
	}
	rc.mu.Lock()
	size := rc.size
	rc.mu.Unlock()
	head := `{"data":{"type":"event","id":"evt_@ID@","attributes":{"name":"inquiry.created","payload":` +
		`{"data":{"type":"inquiry","id":"@ID@","attributes":{"status":"created","padding":"`
	tail := `"}},"included":[]},"created-at":"@TIME@"}},"included":[]}`
	// The placeholders are replaced by an id of about 10 characters and a
	// 24-character time.
	pad := max(size-len(head)-len(tail)-2*(10-4)-(24-6)-(10-4), 0)
	return []byte(head + strings.Repeat("x", pad) + tail), nil
}
