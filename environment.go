// SPDX-License-Identifier: Apache-2.0

package vouch

// Environment separates test traffic from real traffic. Every object and
// every API key belongs to exactly one environment and is invisible from the
// other: a lookup across environments is a not-found, never a forbidden, so
// a sandbox key cannot even learn that a production id exists.
type Environment string

// The two environments. Their names appear in API key prefixes and URLs.
const (
	Sandbox    Environment = "sandbox"
	Production Environment = "production"
)

// Environments lists every environment, in a stable order.
var Environments = []Environment{Sandbox, Production}

// Valid reports whether e is a known environment.
func (e Environment) Valid() bool { return e == Sandbox || e == Production }

// ParseEnvironment returns the environment named s or an EINVALID error.
func ParseEnvironment(s string) (Environment, error) {
	e := Environment(s)
	if !e.Valid() {
		return "", FieldError("environment", "environment must be %q or %q", Sandbox, Production)
	}
	return e, nil
}
