// SPDX-License-Identifier: Apache-2.0

// Command vouch is the Vouch identity-verification server and its
// administration tool:
//
//	vouch serve                  run the server (the default)
//	vouch migrate                apply database migrations and exit
//	vouch keys create|list|revoke
//	vouch templates apply FILE|list
//	vouch version
//
// Every subcommand takes the settings of docs/configuration.md as flags
// or VOUCH_* variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks errors that should print the usage text.
var errUsage = errors.New("usage")

const usage = `Usage: vouch <command> [flags]

Commands:
  serve                       run the server (default)
  migrate                     apply database migrations and exit
  keys create --environment sandbox|production [--name NAME]
  keys list
  keys revoke KEY_ID
  templates apply FILE        create or publish the template in FILE
  templates list [--environment ENV]
  version                     print the version

Settings (flags or VOUCH_* variables): see docs/configuration.md or 'vouch serve -h'.
`

// run is main without the process: it returns the exit code, so the whole
// binary can be exercised from tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, args, getenv, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args, getenv, stdout, stderr)
	case "keys":
		err = runKeys(ctx, args, getenv, stdout, stderr)
	case "templates":
		err = runTemplates(ctx, args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "vouch", Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "vouch:", err)
	if errors.Is(err, errUsage) {
		fmt.Fprint(stderr, usage)
		return 2
	}
	return 1
}
