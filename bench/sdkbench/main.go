// SPDX-License-Identifier: Apache-2.0

// Command sdkbench measures the embedded flow in Chromium with the Vouch
// SDK and with the official persona SDK, against the same running vouch
// binary in the same run:
//
//   - the median time from new Client() to onLoad and to onReady, cold (a
//     new browser profile) and warm (the same profile, second run);
//
//   - the bytes transferred per flow step, by origin, through a counting
//     proxy, which also shows that no request goes to any other origin;
//
//   - the size of each SDK bundle, raw and gzipped.
//
//     go run ./bench/sdkbench -vouch ./bin/vouch -persona .cache/npm/node_modules/persona/dist/persona.js
//
// bench/sdk.sh builds the binary, fetches persona@5.9.0 and runs it.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"time"

	"github.com/vouch-id/vouch/bench/internal/vouchproc"
)

func main() {
	bin := flag.String("vouch", "./bin/vouch", "path to the vouch binary")
	persona := flag.String("persona", ".cache/npm/node_modules/persona/dist/persona.js", "the official SDK's IIFE bundle")
	runs := flag.Int("runs", 15, "cold and warm runs per SDK")
	flag.Parse()
	if err := run(*bin, *persona, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "sdkbench:", err)
		os.Exit(1)
	}
}

// sdk is one of the two SDKs under test.
type sdk struct {
	name      string
	script    string // <script src> of the host page
	construct string // JavaScript building the client from opts and host
}

func run(bin, personaPath string, runs int) error {
	personaJS, err := os.ReadFile(personaPath)
	if err != nil {
		return fmt.Errorf("the official SDK (bench/sdk.sh fetches it): %w", err)
	}
	// The flow is reached as localhost, another site than the host page's
	// 127.0.0.1, as a customer's page and Vouch are.
	v, err := vouchproc.Start(bin, vouchproc.Options{Host: "localhost"})
	if err != nil {
		return err
	}
	defer v.Stop()
	tmpl, err := formTemplate(v)
	if err != nil {
		return err
	}
	sdks := []sdk{
		{"Vouch SDK", v.URL + "/sdk/v1/vouch.js", `new Vouch.Client(Object.assign({}, opts, {host: host}))`},
		{"persona 5.9.0", "/persona.js", `new Persona.Client(Object.assign({}, opts, {customHost: host}))`},
	}
	hostURL, stopHost, err := startHost(personaJS, sdks)
	if err != nil {
		return err
	}
	defer stopHost()
	opts := fmt.Sprintf(`{templateId: %q, environment: 'sandbox', fields: {nameFirst: 'Jane'}}`, tmpl)

	fmt.Println("## Bundle size")
	fmt.Println()
	fmt.Println("| bundle | bytes | gzipped (-9) |")
	fmt.Println("|---|---:|---:|")
	for _, b := range []struct{ name, url string }{{"vouch.js (IIFE)", v.URL + "/sdk/v1/vouch.js"}, {"vouch.mjs (ESM)", v.URL + "/sdk/v1/vouch.mjs"}} {
		body, err := get(b.url)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %d | %d |\n", b.name, len(body), gzipLen(body))
	}
	fmt.Printf("| persona.js 5.9.0 (IIFE) | %d | %d |\n\n", len(personaJS), gzipLen(personaJS))

	fmt.Printf("## Time from new Client() to onLoad and onReady (median of %d, ms)\n\n", runs)
	fmt.Println("| SDK | onLoad cold | onReady cold | onLoad warm | onReady warm |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for i, s := range sdks {
		page := fmt.Sprintf("%s/%d", hostURL, i)
		var coldLoad, coldReady, warmLoad, warmReady []float64
		for i := 0; i < runs; i++ {
			cold, warm, err := timeRun(page, v.Host, opts)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			coldLoad, coldReady = append(coldLoad, cold.Load), append(coldReady, cold.Ready)
			warmLoad, warmReady = append(warmLoad, warm.Load), append(warmReady, warm.Ready)
		}
		fmt.Printf("| %s | %.0f | %.0f | %.0f | %.0f |\n", s.name, median(coldLoad), median(coldReady), median(warmLoad), median(warmReady))
	}
	fmt.Println()

	fmt.Println("## Bytes transferred per flow step (cold profile; headers and bodies as sent)")
	fmt.Println()
	fmt.Println("| SDK | step | from the Vouch origin | from the host page's origin | page requests elsewhere | Chromium's own requests |")
	fmt.Println("|---|---|---:|---:|---:|---:|")
	for i, s := range sdks {
		steps, err := bytesRun(hostURL, fmt.Sprintf("%s/%d", hostURL, i), v, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		for _, st := range steps {
			fmt.Printf("| %s | %s | %d | %d | %d | %d |\n", s.name, st.name, st.vouch, st.host, st.other, st.browser)
		}
	}
	return nil
}

// formTemplate creates a sandbox template without camera steps, so every
// step can be driven in a headless browser: start, a form, completion.
func formTemplate(v *vouchproc.Process) (string, error) {
	body := `{"data":{"type":"inquiry-template","attributes":{"name":"SDK bench","configuration":{` +
		`"steps":[{"name":"start","type":"start"},{"name":"about-you","type":"form","fields":["name_first","name_last","birthdate"]},{"name":"done","type":"completion"}],` +
		`"fields":[{"key":"name_first","type":"string","label":"First name","required":true},` +
		`{"key":"name_last","type":"string","label":"Last name","required":true},` +
		`{"key":"birthdate","type":"date","label":"Date of birth","required":true}]}}}}`
	var out struct {
		Data struct{ ID string } `json:"data"`
	}
	if err := v.Call(&http.Client{Timeout: 10 * time.Second}, http.MethodPost, "/api/v1/inquiry-templates", []byte(body), &out); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	return out.Data.ID, nil
}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Len()
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
