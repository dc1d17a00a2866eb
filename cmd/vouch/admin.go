// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/templatefile"
)

// splitFlags separates a subcommand's own flags (named in own) from the
// server settings, so `vouch keys create --environment sandbox
// --data-dir x` works in any order.
func splitFlags(args []string, own map[string]bool) (mine, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		name, _, hasValue := strings.Cut(name, "=")
		if strings.HasPrefix(a, "-") && own[name] {
			mine = append(mine, a)
			if !hasValue && i+1 < len(args) {
				mine = append(mine, args[i+1])
				i++
			}
			continue
		}
		rest = append(rest, a)
	}
	return mine, rest
}

// openForCommand parses settings and opens the app without workers, with
// logs on stderr so stdout carries only the command's output.
func openForCommand(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer) (*App, error) {
	c, err := ParseConfig(name, args, getenv)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return OpenApp(ctx, c, newLogger(c, stderr), false)
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, err := openForCommand(ctx, "vouch migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	// Opening the store applied every pending migration, River's included.
	fmt.Fprintf(stdout, "The %s database is up to date.\n", a.dialect)
	return nil
}

func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: keys needs create, list or revoke", errUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("vouch keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	envName := fs.String("environment", "", "sandbox or production")
	name := fs.String("name", "", "a label for the key")
	mine, rest := splitFlags(args, map[string]bool{"environment": true, "name": true})
	if err := fs.Parse(mine); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var positional []string
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	a, err := openForCommand(ctx, "vouch keys", rest, getenv, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	switch sub {
	case "create":
		env, err := vouch.ParseEnvironment(*envName)
		if err != nil {
			return fmt.Errorf("%w: --environment must be sandbox or production", errUsage)
		}
		k, secret, err := a.Service.CreateAPIKey(ctx, env, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Created %s key %s. The secret below is shown only once.\n", env, k.ID)
		fmt.Fprintln(stdout, secret) // the last line of stdout, for scripts
	case "list":
		keys, err := a.Service.FindAPIKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tENVIRONMENT\tNAME\tHINT\tCREATED\tLAST USED\tREVOKED")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Environment, k.Name, k.Hint,
				k.CreatedAt.Format(time.RFC3339), fmtTime(k.LastUsedAt), fmtTime(k.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if len(positional) != 1 {
			return fmt.Errorf("%w: keys revoke needs one KEY_ID", errUsage)
		}
		k, err := a.Service.RevokeAPIKey(ctx, positional[0])
		if err != nil {
			return fmt.Errorf("%s", vouch.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "Revoked %s (%s).\n", k.ID, k.Hint)
	default:
		return fmt.Errorf("%w: unknown keys command %q", errUsage, sub)
	}
	return nil
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func runTemplates(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: templates needs apply or list", errUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("vouch templates "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	envName := fs.String("environment", "", "sandbox or production (list: default both)")
	mine, rest := splitFlags(args, map[string]bool{"environment": true})
	if err := fs.Parse(mine); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var positional []string
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	switch sub {
	case "apply":
		if len(positional) != 1 {
			return fmt.Errorf("%w: templates apply needs one FILE", errUsage)
		}
		b, err := os.ReadFile(positional[0])
		if err != nil {
			return err
		}
		f, err := templatefile.Parse(b)
		if err != nil {
			return err
		}
		a, err := openForCommand(ctx, "vouch templates", rest, getenv, stderr)
		if err != nil {
			return err
		}
		defer a.Close()
		out, err := templatefile.Apply(ctx, a.Service, f)
		for _, o := range out {
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\n", o.Environment, o.Action, o.Template.ID, o.Version.ID, o.Template.Name)
		}
		if err != nil {
			return fmt.Errorf("%s", vouch.ErrorMessage(err))
		}
	case "list":
		envs := vouch.Environments
		if *envName != "" {
			env, err := vouch.ParseEnvironment(*envName)
			if err != nil {
				return fmt.Errorf("%w: --environment must be sandbox or production", errUsage)
			}
			envs = []vouch.Environment{env}
		}
		a, err := openForCommand(ctx, "vouch templates", rest, getenv, stderr)
		if err != nil {
			return err
		}
		defer a.Close()
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ENVIRONMENT\tID\tSTATUS\tLATEST VERSION\tNAME")
		for _, env := range envs {
			list, _, err := a.Service.FindTemplates(ctx, vouch.TemplateFilter{Environment: env, Limit: 100})
			if err != nil {
				return err
			}
			for _, t := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", env, t.ID, t.Status, t.LatestVersionID, t.Name)
			}
		}
		return tw.Flush()
	default:
		return fmt.Errorf("%w: unknown templates command %q", errUsage, sub)
	}
	return nil
}
