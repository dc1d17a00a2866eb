// SPDX-License-Identifier: Apache-2.0

package main

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vouch-id/vouch/web/request"
)

// Config is everything the binary needs to boot. It is read once, from
// flags and VOUCH_* variables, validated, and passed down as constructor
// arguments; nothing reads the environment later. Settings operators
// change at runtime (templates, allowed origins) live in the database.
type Config struct {
	DataDir         string
	Listen          string
	DatabaseURL     string
	PublicURL       string
	MasterKey       string
	MasterKeyFile   string
	Workers         bool
	MaxWorkers      int
	LogLevel        string
	LogFormat       string
	RateLimit       int
	RateWindow      time.Duration
	MaxBodyBytes    int64
	FlowCreateLimit int
	TrustedProxies  []netip.Prefix
	Demo            bool
	ShutdownTimeout time.Duration

	WebhookTimeout      time.Duration
	WebhookAllowedHosts []string
	WebhookDisableAfter time.Duration
	WebhookRetryScale   float64
	JobRescueAfter      time.Duration
	ExpirySweepInterval time.Duration
}

// option is one row of the configuration table. The same table parses
// flags and variables and generates docs/configuration.md (a test keeps the
// two equal), so the documentation cannot drift from the code.
type option struct {
	Flag, Env, Default, Help string
	// Secret options also accept Env+"_FILE" naming a file to read.
	Secret bool
	set    func(c *Config, v string) error
}

var options = []option{
	{"data-dir", "VOUCH_DATA_DIR", "./vouch-data", "Folder for the SQLite database, images and the generated master key.", false,
		func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"listen", "VOUCH_LISTEN", "127.0.0.1:8080", "Address the HTTP server listens on (host:port; port 0 picks a free one).", false,
		func(c *Config, v string) error { c.Listen = v; return nil }},
	{"database-url", "VOUCH_DATABASE_URL", "", "`sqlite:PATH` or `postgres://…`. Empty means `sqlite:<data-dir>/vouch.db`.", true,
		func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"public-url", "VOUCH_PUBLIC_URL", "", "Base URL clients use to reach this server, and the base of one-time links. Empty means `http://<listen>`.", false,
		func(c *Config, v string) error { c.PublicURL = v; return nil }},
	{"master-key", "VOUCH_MASTER_KEY", "", "32-byte master key, base64 or hex. Prefer `--master-key-file`: a flag shows in the process list. Empty (and no file): read or create `<data-dir>/master.key`.", false,
		func(c *Config, v string) error { c.MasterKey = v; return nil }},
	{"master-key-file", "VOUCH_MASTER_KEY_FILE", "", "File holding the master key, base64 or hex (for secrets mounted by an orchestrator).", false,
		func(c *Config, v string) error { c.MasterKeyFile = v; return nil }},
	{"workers", "VOUCH_WORKERS", "true", "Run background job workers in this process; false for API-only replicas.", false,
		func(c *Config, v string) (err error) { c.Workers, err = strconv.ParseBool(v); return }},
	{"max-workers", "VOUCH_MAX_WORKERS", "10", "Jobs run at once by this process.", false,
		func(c *Config, v string) (err error) { c.MaxWorkers, err = strconv.Atoi(v); return }},
	{"log-level", "VOUCH_LOG_LEVEL", "info", "debug, info, warn or error.", false,
		func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{"log-format", "VOUCH_LOG_FORMAT", "json", "json or text.", false,
		func(c *Config, v string) error { c.LogFormat = v; return nil }},
	{"rate-limit", "VOUCH_RATE_LIMIT", "300", "API requests allowed per environment (all its keys together) and window; 0 turns the limit off.", false,
		func(c *Config, v string) (err error) { c.RateLimit, err = strconv.Atoi(v); return }},
	{"rate-window", "VOUCH_RATE_WINDOW", "1m", "Length of the rate-limit window.", false,
		func(c *Config, v string) (err error) { c.RateWindow, err = time.ParseDuration(v); return }},
	{"flow-create-limit", "VOUCH_FLOW_CREATE_LIMIT", "60", "Inquiries the hosted flow may create per minute for one client network (an IPv4 address or an IPv6 /64); 0 turns the limit off. Inquiries created with the API do not count.", false,
		func(c *Config, v string) (err error) { c.FlowCreateLimit, err = strconv.Atoi(v); return }},
	{"trusted-proxies", "VOUCH_TRUSTED_PROXIES", "127.0.0.0/8,::1/128", "Comma list of CIDRs of the reverse proxies in front of Vouch: from these peers, X-Forwarded-For names the client. Anyone else's header is ignored.", false,
		func(c *Config, v string) (err error) { c.TrustedProxies, err = parsePrefixes(v); return }},
	{"max-body-bytes", "VOUCH_MAX_BODY_BYTES", "1048576", "Largest API request body; larger ones get 413.", false,
		func(c *Config, v string) (err error) { c.MaxBodyBytes, err = strconv.ParseInt(v, 10, 64); return }},
	{"demo", "VOUCH_DEMO", "true", "Serve the demo page at /demo, which opens the flow for sandbox (and, where the template allows the demo origin, production) templates. Turn off in production.", false,
		func(c *Config, v string) (err error) { c.Demo, err = strconv.ParseBool(v); return }},
	{"shutdown-timeout", "VOUCH_SHUTDOWN_TIMEOUT", "30s", "How long SIGTERM waits for requests and jobs to finish.", false,
		func(c *Config, v string) (err error) { c.ShutdownTimeout, err = time.ParseDuration(v); return }},
	{"webhook-timeout", "VOUCH_WEBHOOK_TIMEOUT", "5s", "How long a webhook receiver has to answer; a slower answer is a failed attempt.", false,
		func(c *Config, v string) (err error) { c.WebhookTimeout, err = time.ParseDuration(v); return }},
	{"webhook-allowed-hosts", "VOUCH_WEBHOOK_ALLOWED_HOSTS", "", "Comma list of hosts, IPs or CIDRs webhooks may reach although not public (e.g. `127.0.0.1,::1,localhost` for development). Leave empty in production.", false,
		func(c *Config, v string) error { c.WebhookAllowedHosts = splitList(v); return nil }},
	{"webhook-disable-after", "VOUCH_WEBHOOK_DISABLE_AFTER", "72h", "Disable a webhook endpoint that has failed continuously for this long (0 never does).", false,
		func(c *Config, v string) (err error) { c.WebhookDisableAfter, err = time.ParseDuration(v); return }},
	{"webhook-retry-scale", "VOUCH_WEBHOOK_RETRY_SCALE", "1", "Multiplies the webhook retry schedule (3 s, 64 s, 729 s, … about two days). Only tests and benchmarks change it.", false,
		func(c *Config, v string) (err error) { c.WebhookRetryScale, err = strconv.ParseFloat(v, 64); return }},
	{"job-rescue-after", "VOUCH_JOB_RESCUE_AFTER", "1h", "How long a job may stay running before it is assumed cut short by a crash and retried.", false,
		func(c *Config, v string) (err error) { c.JobRescueAfter, err = time.ParseDuration(v); return }},
	{"expiry-sweep-interval", "VOUCH_EXPIRY_SWEEP_INTERVAL", "1s", "How often one worker process looks for inquiries past their expiry and expires them (at least 1s). A look is one read; only a look that finds some writes anything. An inquiry expires up to about twice this long after its expires-at.", false,
		func(c *Config, v string) (err error) { c.ExpirySweepInterval, err = time.ParseDuration(v); return }},
}

// splitList splits a comma list, dropping empty entries.
func splitList(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// ParseConfig reads flags from args over VOUCH_* variables over defaults
// (getenv is os.Getenv outside tests) and validates the result.
func ParseConfig(name string, args []string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	values := map[string]*string{}
	for _, o := range options {
		values[o.Flag] = fs.String(o.Flag, "", o.Help)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	setByFlag := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { setByFlag[f.Name] = true })
	for _, o := range options {
		v, src := o.Default, "default"
		if e := getenv(o.Env); e != "" {
			v, src = e, o.Env
		} else if f := getenv(o.Env + "_FILE"); o.Secret && f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("%s_FILE: %w", o.Env, err)
			}
			v, src = strings.TrimSpace(string(b)), o.Env+"_FILE"
		}
		if setByFlag[o.Flag] {
			v, src = *values[o.Flag], "--"+o.Flag
		}
		if err := o.set(c, v); err != nil {
			return nil, fmt.Errorf("%s: invalid value %q: %w", src, v, err)
		}
	}
	return c, c.Validate()
}

// Validate checks the configuration and fills derived defaults.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("data-dir must not be empty")
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen: %q is not host:port", c.Listen)
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite:" + filepath.Join(c.DataDir, "vouch.db")
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("database-url must start with sqlite: or postgres://")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("public-url: %q is not an http(s) URL", c.PublicURL)
		}
		c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log-level must be debug, info, warn or error")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return fmt.Errorf("log-format must be json or text")
	}
	if c.MaxWorkers < 1 || c.MaxWorkers > 1000 {
		return fmt.Errorf("max-workers must be between 1 and 1000")
	}
	if c.RateLimit < 0 || c.RateWindow <= 0 {
		return fmt.Errorf("rate-limit must be ≥ 0 and rate-window > 0")
	}
	if c.FlowCreateLimit < 0 {
		return fmt.Errorf("flow-create-limit must be ≥ 0")
	}
	if c.MaxBodyBytes < 1024 {
		return fmt.Errorf("max-body-bytes must be at least 1024")
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("shutdown-timeout must be positive")
	}
	if c.WebhookTimeout <= 0 || c.WebhookTimeout > time.Minute {
		return fmt.Errorf("webhook-timeout must be between 0 and 1m")
	}
	if c.WebhookDisableAfter < 0 || c.WebhookRetryScale <= 0 {
		return fmt.Errorf("webhook-disable-after must be ≥ 0 and webhook-retry-scale > 0")
	}
	if c.JobRescueAfter < c.WebhookTimeout+10*time.Second {
		return fmt.Errorf("job-rescue-after must exceed webhook-timeout by at least 10s")
	}
	// River schedules periodic jobs no more often than once a second.
	if c.ExpirySweepInterval < time.Second {
		return fmt.Errorf("expiry-sweep-interval must be at least 1s")
	}
	return nil
}

// dialect returns "sqlite" or "postgres" and the engine-specific DSN.
func (c *Config) dialect() (string, string) {
	if p, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok {
		return "sqlite", p
	}
	return "postgres", c.DatabaseURL
}

// ConfigMarkdown renders the option table for docs/configuration.md.
func ConfigMarkdown() string {
	var b strings.Builder
	b.WriteString("| Flag | Variable | Default | Meaning |\n|---|---|---|---|\n")
	for _, o := range options {
		env := "`" + o.Env + "`"
		if o.Secret {
			env += " (or `" + o.Env + "_FILE`)"
		}
		def := "`" + o.Default + "`"
		if o.Default == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "| `--%s` | %s | %s | %s |\n", o.Flag, env, def, o.Help)
	}
	return b.String()
}

// parsePrefixes reads a comma list of addresses and CIDRs.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range splitList(v) {
		p, err := request.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR", s)
		}
		out = append(out, p)
	}
	return out, nil
}
