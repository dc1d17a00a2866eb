// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"testing"

	"github.com/vouch-id/vouch/web/static"
)

// vouchDriver runs the scenarios with Vouch's own SDK, loaded from the
// Vouch server as a host page would (/sdk/v1/vouch.js). host is passed the
// way persona's customHost is ("localhost:<port>"), though the SDK would
// default to the origin it was served from.
var vouchDriver = driver{
	name: "vouch",
	script: func(t *testing.T, v *vouchServer) (map[string][]byte, string) {
		return nil, v.url + static.SDKPrefix + "vouch.js"
	},
	construct: `new Vouch.Client(Object.assign({}, opts, {host: host}))`,
}

func init() { registerDriver(vouchDriver) }
