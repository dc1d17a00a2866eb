// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// driver selects the SDK a scenario runs with. Scenarios are written
// once and run with every registered driver.
type driver struct {
	name string
	// script returns the files the host page needs (served from the host
	// origin, e.g. "sdk.js") and the <script src> of the SDK, which may
	// also be on the Vouch server.
	script func(t *testing.T, v *vouchServer) (files map[string][]byte, src string)
	// construct is a JavaScript expression that builds the client from
	// `opts` (options plus callbacks) and `host` (the Vouch server as
	// "localhost:<port>").
	construct string
}

var (
	driversMu sync.Mutex
	drivers   []driver
)

// registerDriver adds an SDK to the scenarios; the Vouch SDK's driver
// registers itself from its own file.
func registerDriver(d driver) {
	driversMu.Lock()
	defer driversMu.Unlock()
	drivers = append(drivers, d)
}

// hostPage is the embedding page. window.__start(opts) builds the client
// with every callback pushing {cb, args} into window.__log (onEvent pushes
// the name and the metadata). undefined is recorded as the string
// "<undefined>", so that "both undefined" can be asserted.
const hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script src="{{SDK}}"></script>
</head><body><h1>Host page</h1>
<script>
window.__log = [];
function __rec(cb) {
  return function () {
    var args = Array.prototype.slice.call(arguments);
    window.__log.push(JSON.parse(JSON.stringify({cb: cb, args: args}, function (k, v) {
      return v === undefined ? '<undefined>' : v;
    })));
  };
}
window.__start = function (opts, host) {
  opts = Object.assign({}, opts, {
    onLoad: __rec('onLoad'), onReady: __rec('onReady'), onComplete: __rec('onComplete'),
    onCancel: __rec('onCancel'), onError: __rec('onError'), onEvent: __rec('onEvent')
  });
  window.__client = {{CONSTRUCT}};
  window.__client.open();
  return true;
};
</script></body></html>`

// npmOnce fetches the npm packages the browser tests need, once per run.
var (
	npmOnce sync.Once
	npmErr  error
	npmOut  []byte
)

// npmPackages installs persona@5.9.0 and axe-core@4 into the repository's
// ignored .cache/npm (kept between runs) and returns its node_modules.
// Without npm or the network the browser scenarios skip, except under
// CI=true, where that is a failure.
func npmPackages(t *testing.T) string {
	t.Helper()
	prefix, err := filepath.Abs(filepath.Join("..", "..", ".cache", "npm"))
	if err != nil {
		t.Fatal(err)
	}
	modules := filepath.Join(prefix, "node_modules")
	npmOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(modules, "persona", "dist", "persona.js")); err == nil {
			if _, err := os.Stat(filepath.Join(modules, "axe-core", "axe.min.js")); err == nil {
				return
			}
		}
		cmd := exec.Command("npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save",
			"persona@5.9.0", "axe-core@4")
		npmOut, npmErr = cmd.CombinedOutput()
	})
	if npmErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("npm install persona@5.9.0 axe-core@4: %v\n%s", npmErr, npmOut)
		}
		t.Skipf("npm packages unavailable (%v); set CI=true to make this a failure", npmErr)
	}
	return modules
}

// officialDriver runs the scenarios with the official persona SDK,
// pointed at Vouch with customHost.
var officialDriver = driver{
	name: "persona",
	script: func(t *testing.T, v *vouchServer) (map[string][]byte, string) {
		b, err := os.ReadFile(filepath.Join(npmPackages(t), "persona", "dist", "persona.js"))
		if err != nil {
			t.Fatal(err)
		}
		return map[string][]byte{"persona.js": b}, "/persona.js"
	},
	construct: `new Persona.Client(Object.assign({}, opts, {customHost: host}))`,
}

func init() { registerDriver(officialDriver) }
