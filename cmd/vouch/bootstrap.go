// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/templatefile"
)

// Settings that record first-start work, so it happens once per database.
const (
	settingDemoTemplate = "bootstrap.demo_template"
	settingSandboxKey   = "bootstrap.sandbox_key"
	settingBootstrapped = "bootstrap.done"
)

// bootstrap prepares a fresh database: the demo template in both
// environments and one sandbox API key, printed once on stdout (it is not
// stored in clear, so it can never be printed again).
func bootstrap(ctx context.Context, a *App, publicURL string, stdout io.Writer) error {
	done := func(key string) (bool, error) {
		var found bool
		err := a.Store.View(ctx, func(tx vouch.Tx) error {
			_, err := tx.SettingGet(ctx, key)
			if vouch.ErrorCode(err) == vouch.ENOTFOUND {
				return nil
			}
			found = err == nil
			return err
		})
		return found, err
	}
	mark := func(key, value string) error {
		return a.Store.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, key, value) })
	}
	if ok, err := done(settingDemoTemplate); err != nil {
		return err
	} else if !ok {
		f, err := templatefile.Demo()
		if err != nil {
			return err
		}
		out, err := templatefile.Apply(ctx, a.Service, f)
		if err != nil {
			return fmt.Errorf("demo template: %w", err)
		}
		for _, o := range out {
			a.Logger.Info("created the demo template", "environment", string(o.Environment), "template_id", o.Template.ID)
		}
		if err := mark(settingDemoTemplate, "1"); err != nil {
			return err
		}
	}
	if ok, err := done(settingSandboxKey); err != nil {
		return err
	} else if !ok {
		k, secret, err := a.Service.CreateAPIKey(ctx, vouch.Sandbox, "First sandbox key")
		if err != nil {
			return err
		}
		if err := mark(settingSandboxKey, k.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nA sandbox API key was created. It is shown only this once; keep it:\n\n  %s\n\n"+
			"Try it:  curl -H \"Authorization: Bearer %s\" %s/api/v1/inquiries\n\n", secret, secret, publicURL)
	}
	return mark(settingBootstrapped, "1")
}
