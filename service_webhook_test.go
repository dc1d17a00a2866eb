// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

func TestWebhookLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	w, err := e.Service.CreateWebhook(ctx, vouch.Sandbox, "http://hooks.example/in", []string{"*"},
		map[string]string{"x-api-key": "k"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(w.Secret, vouch.PrefixWebhookSecret))
	require.True(t, strings.HasPrefix(w.ID, vouch.PrefixWebhook))

	got, err := e.Service.FindWebhookByID(ctx, vouch.Sandbox, w.ID)
	require.NoError(t, err)
	require.Empty(t, got.Secret, "a secret is shown once")
	require.Equal(t, map[string]string{"X-Api-Key": "k"}, got.CustomHeaders)
	_, err = e.Service.FindWebhookByID(ctx, vouch.Production, w.ID)
	require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err))

	rotated, err := e.Service.RotateWebhookSecret(ctx, vouch.Sandbox, w.ID, time.Hour)
	require.NoError(t, err)
	require.Equal(t, w.Secret, rotated.PreviousSecret)
	require.NotEqual(t, w.Secret, rotated.Secret)
	require.Equal(t, []string{rotated.Secret, w.Secret}, rotated.SigningSecrets(e.Clock.Now()))
	require.Equal(t, []string{rotated.Secret}, rotated.SigningSecrets(e.Clock.Now().Add(2*time.Hour)))

	d, err := e.Service.DisableWebhook(ctx, vouch.Sandbox, w.ID)
	require.NoError(t, err)
	require.Equal(t, vouch.WebhookDisabled, d.Status)
	en, err := e.Service.EnableWebhook(ctx, vouch.Sandbox, w.ID)
	require.NoError(t, err)
	require.Equal(t, vouch.WebhookEnabled, en.Status)
	_, err = e.Service.ArchiveWebhook(ctx, vouch.Sandbox, w.ID)
	require.NoError(t, err)
	_, err = e.Service.EnableWebhook(ctx, vouch.Sandbox, w.ID)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
}

func TestWebhookValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	for name, c := range map[string]struct {
		env     vouch.Environment
		url     string
		events  []string
		headers map[string]string
	}{
		"HTTPInProduction": {vouch.Production, "http://hooks.example", []string{"*"}, nil},
		"NotAURL":          {vouch.Sandbox, "hooks", []string{"*"}, nil},
		"Credentials":      {vouch.Sandbox, "https://u:p@hooks.example", []string{"*"}, nil},
		"FTP":              {vouch.Sandbox, "ftp://hooks.example", []string{"*"}, nil},
		"NoEvents":         {vouch.Sandbox, "https://hooks.example", nil, nil},
		"UnknownEvent":     {vouch.Sandbox, "https://hooks.example", []string{"inquiry.nope"}, nil},
		"HeaderNotAllowed": {vouch.Sandbox, "https://hooks.example", []string{"*"}, map[string]string{"Host": "x"}},
		"HeaderNewline":    {vouch.Sandbox, "https://hooks.example", []string{"*"}, map[string]string{"Authorization": "a\r\nb: c"}},
	} {
		_, err := e.Service.CreateWebhook(ctx, c.env, c.url, c.events, c.headers)
		require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err), name)
	}
}

// TestWebhookOutbox checks that each event gets one delivery and one job
// per subscribed, enabled endpoint, in the event's transaction.
func TestWebhookOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	all, err := e.Service.CreateWebhook(ctx, vouch.Sandbox, "https://a.example", []string{"*"}, nil)
	require.NoError(t, err)
	some, err := e.Service.CreateWebhook(ctx, vouch.Sandbox, "https://b.example", []string{vouch.EventInquiryApproved}, nil)
	require.NoError(t, err)
	off, err := e.Service.CreateWebhook(ctx, vouch.Sandbox, "https://c.example", []string{"*"}, nil)
	require.NoError(t, err)
	_, err = e.Service.DisableWebhook(ctx, vouch.Sandbox, off.ID)
	require.NoError(t, err)
	_, err = e.Service.CreateWebhook(ctx, vouch.Production, "https://d.example", []string{"*"}, nil)
	require.NoError(t, err)

	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	inq := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	events, _, _, err := e.Service.FindEvents(ctx, vouch.EventFilter{Environment: vouch.Sandbox, Limit: 100})
	require.NoError(t, err)
	require.NotEmpty(t, events)
	list := func(id string) []*vouch.WebhookDelivery {
		l, _, err := e.Service.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox, WebhookID: id, Limit: 100})
		require.NoError(t, err)
		return l
	}
	require.Len(t, list(all.ID), len(events))
	require.Empty(t, list(some.ID))
	require.Empty(t, list(off.ID))
	n := 0
	for _, k := range e.Jobs.Kinds() {
		if k == "webhook_deliver" {
			n++
		}
	}
	require.Equal(t, len(events), n)

	_, err = e.Service.ApproveInquiry(ctx, vouch.Sandbox, inq.Inquiry.ID, "")
	if err == nil {
		require.Len(t, list(some.ID), 1)
		require.Equal(t, vouch.EventInquiryApproved, list(some.ID)[0].EventName)
	}
}
