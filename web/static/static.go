// SPDX-License-Identifier: Apache-2.0

// Package static serves the files the binary ships to browsers, embedded
// at build time: for now the browser SDK bundles, which are built by
// cmd/vouch-sdk-build and committed.
//
// Caching. Each bundle is served at two URLs:
//
//	/sdk/v1/vouch.js              stable, for <script src> in host pages
//	/sdk/v1/vouch.<hash>.js       content-hashed, e.g. for the demo page
//
// The hashed URL never changes meaning, so it is cached for a year as
// immutable. The stable URL must pick up a server upgrade, so browsers
// keep it for five minutes and then revalidate with its ETag (the same
// content hash), which costs a 304 and no body. A hashed URL of an older
// build redirects to the stable one: pages that pinned it keep working.
//
// Cross-origin. Both bundles are public code that holds no secret and are
// fetched without credentials, so Access-Control-Allow-Origin: * exposes
// nothing: it only lets host pages on any origin import the ES module (and
// use <script crossorigin> or subresource integrity on the IIFE).
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed sdk/vouch.js sdk/vouch.mjs
var files embed.FS

// SDKPrefix is where the SDK is served; v1 is the major version of its API.
const SDKPrefix = "/sdk/v1/"

// asset is one embedded file, with what its responses need precomputed.
type asset struct {
	name string // vouch.js
	body []byte
	gz   []byte // gzip of body, served when the client accepts it
	hash string // hex SHA-256 prefix, in ETag and the hashed URL
}

var assets = func() map[string]*asset {
	m := map[string]*asset{}
	for _, name := range []string{"vouch.js", "vouch.mjs"} {
		b, err := files.ReadFile("sdk/" + name)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		m[name] = &asset{name: name, body: b, gz: gz.Bytes(), hash: hex.EncodeToString(sum[:])[:16]}
	}
	return m
}()

// SDKURL returns the content-hashed path of a bundle ("vouch.js" or
// "vouch.mjs"), for pages served by Vouch itself.
func SDKURL(name string) string {
	a := assets[name]
	ext := path.Ext(name)
	return SDKPrefix + strings.TrimSuffix(name, ext) + "." + a.hash + ext
}

// SDK returns the bytes of a bundle as embedded.
func SDK(name string) []byte { return assets[name].body }

// SDKHandler serves GET and HEAD under SDKPrefix.
func SDKHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, SDKPrefix)
		a, hashed := lookup(name)
		if a == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		h.Set("X-Content-Type-Options", "nosniff")
		if hashed && !strings.Contains(name, a.hash) {
			http.Redirect(w, r, SDKPrefix+a.name, http.StatusFound)
			return
		}
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("ETag", `"`+a.hash+`"`)
		h.Set("Vary", "Accept-Encoding")
		if hashed {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=300, must-revalidate")
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, `"`+a.hash+`"`) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := a.body
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = a.gz
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}

// lookup maps "vouch.js" or "vouch.<16 hex>.js" to its asset.
func lookup(name string) (a *asset, hashed bool) {
	if a := assets[name]; a != nil {
		return a, false
	}
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	stem, hash, ok := strings.Cut(base, ".")
	if !ok || len(hash) != 16 || strings.Trim(hash, "0123456789abcdef") != "" {
		return nil, false
	}
	return assets[stem+ext], true
}

// acceptsGzip reports whether the request lists gzip with a non-zero q.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		_, q, ok := strings.Cut(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		f, err := strconv.ParseFloat(q, 64)
		return err == nil && f > 0
	}
	return false
}
