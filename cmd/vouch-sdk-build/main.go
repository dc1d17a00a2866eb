// SPDX-License-Identifier: Apache-2.0

// Command vouch-sdk-build bundles the browser SDK with esbuild's Go API
// into the files the server ships:
//
//	web/static/sdk/vouch.js    IIFE for <script> (src/global.ts), global Vouch, minified
//	web/static/sdk/vouch.mjs   ES module (src/index.ts), minified
//
// and the same two files under sdk/js/dist/ for the npm package. Building
// needs Go only, no Node. Run it from the repository root after changing
// the SDK and commit the output:
//
//	go run ./cmd/vouch-sdk-build
//
// A test rebuilds in memory and fails when a committed bundle differs.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

func main() {
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	out, err := Build(*root)
	if err == nil {
		err = write(*root, out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vouch-sdk-build:", err)
		os.Exit(1)
	}
	for _, name := range Outputs {
		fmt.Printf("%s\t%d bytes\n", name, len(out[name]))
	}
}

// Outputs lists every file Build produces, relative to the repository root.
var Outputs = []string{
	"web/static/sdk/vouch.js",
	"web/static/sdk/vouch.mjs",
	"sdk/js/dist/vouch.js",
	"sdk/js/dist/vouch.mjs",
}

// Build bundles the SDK in memory and returns each file of Outputs.
// Everything that could vary between machines is pinned (paths are
// relative, no source map, a fixed target), so the output is a pure
// function of the sources and the esbuild version in go.mod.
func Build(root string) (map[string][]byte, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	version, err := sdkVersion(abs)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, f := range []struct {
		ext, entry string
		format     api.Format
	}{{".js", "sdk/js/src/global.ts", api.FormatIIFE}, {".mjs", "sdk/js/src/index.ts", api.FormatESModule}} {
		define := map[string]string{"__VERSION__": fmt.Sprintf("%q", version)}
		if f.format == api.FormatIIFE {
			// A classic script has no import.meta: its origin comes from
			// document.currentScript alone.
			define["import.meta.url"] = "undefined"
		}
		res := api.Build(api.BuildOptions{
			EntryPoints:       []string{f.entry},
			AbsWorkingDir:     abs,
			Bundle:            true,
			Format:            f.format,
			Platform:          api.PlatformBrowser,
			Target:            api.ES2022,
			MinifyWhitespace:  true,
			MinifyIdentifiers: true,
			MinifySyntax:      true,
			// Internal properties end in "_" and may be renamed: they are
			// not part of the API, and short names keep the bundle small.
			MangleProps: "_$",
			Define:      define,
			// The build reads no tsconfig.json (that one is for tsc): the
			// output depends on the sources and these options alone.
			TsconfigRaw:   `{"compilerOptions":{"verbatimModuleSyntax":true}}`,
			Charset:       api.CharsetUTF8,
			LegalComments: api.LegalCommentsNone,
			Banner:        map[string]string{"js": fmt.Sprintf("/*! Vouch SDK %s | Apache-2.0 */", version)},
			LogLevel:      api.LogLevelSilent,
			Write:         false,
		})
		if len(res.Errors) > 0 {
			msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
			return nil, errors.New(strings.Join(msgs, "\n"))
		}
		if len(res.OutputFiles) != 1 {
			return nil, fmt.Errorf("esbuild wrote %d files, want 1", len(res.OutputFiles))
		}
		for _, name := range Outputs {
			if strings.HasSuffix(name, f.ext) {
				out[name] = res.OutputFiles[0].Contents
			}
		}
	}
	return out, nil
}

// sdkVersion reads the version from sdk/js/package.json: one place to bump.
func sdkVersion(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "sdk/js/package.json"))
	if err != nil {
		return "", err
	}
	var p struct{ Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("sdk/js/package.json: %w", err)
	}
	if p.Version == "" {
		return "", errors.New("sdk/js/package.json has no version")
	}
	return p.Version, nil
}

func write(root string, out map[string][]byte) error {
	for _, name := range Outputs {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, out[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
