// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
	"github.com/vouch-id/vouch/vouchtest"
)

// Error bodies used by many scenarios.
const (
	errUnauthorized = `{"errors":[{"title":"Unauthorized"}]}`
)

func TestAuth(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "NoKey", method: http.MethodGet, path: "/api/v1/inquiries", key: "none",
			status: 401, err: errUnauthorized},
		{name: "BadKey", method: http.MethodGet, path: "/api/v1/inquiries", key: "vouch_sandbox_nope",
			status: 401, err: errUnauthorized},
		{name: "RevokedKey", method: http.MethodGet, path: "/api/v1/inquiries", key: "revoked",
			status: 401, err: errUnauthorized},
		{name: "NotBearer", method: http.MethodGet, path: "/api/v1/inquiries", key: "none",
			headers: map[string]string{"Authorization": "Basic dXNlcjpwYXNz"},
			status:  401, err: errUnauthorized},
		{name: "SchemeIsCaseInsensitive", method: http.MethodGet, path: "/api/v1/inquiries/{inq}", key: "none",
			headers: map[string]string{"Authorization": "bearer {sandbox_key}"},
			status:  200, json: map[string]any{"data.id": "{inq}"}},
		{name: "UnauthorizedBeforeNotFound", method: http.MethodGet, path: "/api/v1/inquiries/inq_missing", key: "none",
			status: 401, err: errUnauthorized},
		{name: "ProductionKeySeesProduction", method: http.MethodGet, path: "/api/v1/inquiries/{prod_inq}", key: "production",
			status: 200, json: map[string]any{"data.id": "{prod_inq}"}},
		{name: "EnvironmentsAreApart", method: http.MethodGet, path: "/api/v1/inquiries/{prod_inq}",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {prod_inq} not found."}]}`},
	})
}

func TestRateLimit(t *testing.T) {
	t.Parallel()

	t.Run("FixedWindowPerEnvironment", func(t *testing.T) {
		t.Parallel()
		clock := &vouchtest.Clock{}
		b := setup(t, api.Config{RateLimit: 2, RateWindow: time.Minute, Now: clock.Now})
		for _, remaining := range []string{"1", "0"} {
			res, _ := b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, "2", res.Header.Get("Ratelimit-Limit"))
			require.Equal(t, remaining, res.Header.Get("Ratelimit-Remaining"))
			require.Equal(t, "60", res.Header.Get("Ratelimit-Reset"))
		}
		clock.Advance(15*time.Second + time.Millisecond)
		res, body := b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", nil)
		require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
		require.JSONEq(t, `{"errors":[{"title":"Too Many Requests","details":"Rate limit of 2 requests per 1m0s exceeded; retry in 45 seconds."}]}`, string(body))
		require.Equal(t, "0", res.Header.Get("Ratelimit-Remaining"))
		require.Equal(t, "45", res.Header.Get("Ratelimit-Reset"))
		require.Equal(t, "45", res.Header.Get("Retry-After"))
		require.NotEmpty(t, res.Header.Get("Request-Id"))

		// Spec §4.6: the limit is per environment, whatever the key.
		_, other, err := b.svc.CreateAPIKey(context.Background(), vouch.Sandbox, "second")
		require.NoError(t, err)
		res, _ = b.do(t, http.MethodGet, "/api/v1/accounts", other, "", nil)
		require.Equal(t, http.StatusTooManyRequests, res.StatusCode, "another sandbox key shares the window")
		res, _ = b.do(t, http.MethodGet, "/api/v1/accounts", b.prod, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "the other environment has its own window")

		clock.Advance(45 * time.Second)
		res, _ = b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "a new window opens")
		require.Equal(t, "1", res.Header.Get("Ratelimit-Remaining"))
	})

	t.Run("UnauthenticatedIsNotCounted", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{RateLimit: 1})
		res, _ := b.do(t, http.MethodGet, "/api/v1/accounts", "", "", nil)
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
		require.Empty(t, res.Header.Get("Ratelimit-Limit"))
		res, _ = b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
	})

	t.Run("Disabled", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{RateLimit: -1})
		for range 3 {
			res, _ := b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Empty(t, res.Header.Get("Ratelimit-Limit"))
		}
	})

	t.Run("BeforeIdempotency", func(t *testing.T) {
		t.Parallel()
		clock := &vouchtest.Clock{}
		b := setup(t, api.Config{RateLimit: 1, Now: clock.Now})
		b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", nil)
		body := b.placeholders().Replace(inquiryBody)
		key := map[string]string{"Idempotency-Key": "retry-me"}
		res, _ := b.do(t, http.MethodPost, "/api/v1/inquiries", b.sandbox, body, key)
		require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
		clock.Advance(time.Minute)
		res, _ = b.do(t, http.MethodPost, "/api/v1/inquiries", b.sandbox, body, key)
		require.Equal(t, http.StatusCreated, res.StatusCode, "the refused request was not stored")
		require.Empty(t, res.Header.Get("Idempotent-Replayed"))
	})
}

// inquiryBody is a minimal create body for the fixture template.
const inquiryBody = `{"data":{"attributes":{"inquiry-template-id":"{tmpl}"}}}`

// postInquiry creates an inquiry through the API with an Idempotency-Key.
func postInquiry(t *testing.T, b *bundle, key, secret, body string) (*http.Response, string) {
	t.Helper()
	res, out, err := sendInquiry(b, key, secret, body)
	require.NoError(t, err)
	return res, out
}

// sendInquiry is postInquiry without assertions, for other goroutines.
func sendInquiry(b *bundle, key, secret, body string) (*http.Response, string, error) {
	if body == "" {
		body = b.placeholders().Replace(inquiryBody)
	}
	res, out, err := b.send(http.MethodPost, "/api/v1/inquiries", secret, body, map[string]string{"Idempotency-Key": key})
	return res, string(out), err
}

func TestIdempotency(t *testing.T) {
	t.Parallel()

	t.Run("ReplaysTheFirstResponse", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		before := b.eventIDs(t)
		res1, body1 := postInquiry(t, b, "k1", b.sandbox, "")
		require.Equal(t, http.StatusCreated, res1.StatusCode)
		require.Empty(t, res1.Header.Get("Idempotent-Replayed"))
		res2, body2 := postInquiry(t, b, "k1", b.sandbox, "")
		require.Equal(t, http.StatusCreated, res2.StatusCode)
		require.Equal(t, "true", res2.Header.Get("Idempotent-Replayed"))
		require.Equal(t, body1, body2)
		require.NotEqual(t, res1.Header.Get("Request-Id"), res2.Header.Get("Request-Id"))
		require.NotEmpty(t, res2.Header.Get("Ratelimit-Limit"))
		require.Equal(t, []string{"inquiry.created"}, b.newEvents(t, before), "the replay did nothing")
	})

	t.Run("DifferentRequestIs422", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		res, _ := postInquiry(t, b, "k1", b.sandbox, "")
		require.Equal(t, http.StatusCreated, res.StatusCode)
		const want = `{"errors":[{"title":"Unprocessable Entity","details":"This Idempotency-Key was already used for a different request."}]}`
		res, body := postInquiry(t, b, "k1", b.sandbox, b.placeholders().Replace(`{"data":{"attributes":{"template-id":"{legacy}"}}}`))
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
		require.JSONEq(t, want, body)
		res, out := b.do(t, http.MethodPost, b.placeholders().Replace("/api/v1/inquiries/{inq}/approve"), b.sandbox,
			b.placeholders().Replace(`{"data":{"attributes":{"inquiry-template-id":"{tmpl}"}}}`), map[string]string{"Idempotency-Key": "k1"})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "another path is another request")
		require.JSONEq(t, want, string(out))
		res, out = b.do(t, http.MethodPost, "/api/v1/inquiries?include=", b.sandbox,
			b.placeholders().Replace(inquiryBody), map[string]string{"Idempotency-Key": "k1"})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "other query parameters are another request")
		require.JSONEq(t, want, string(out))
	})

	t.Run("ErrorsAreReplayedToo", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		const bad = `{"data":{"attributes":{"inquiry-template-id":"itmpl_missing"}}}`
		res, body1 := postInquiry(t, b, "k2", b.sandbox, bad)
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
		res, body2 := postInquiry(t, b, "k2", b.sandbox, bad)
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
		require.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))
		require.Equal(t, body1, body2)
	})

	t.Run("KeyTooLong", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		res, body := postInquiry(t, b, strings.Repeat("k", 256), b.sandbox, "")
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
		require.JSONEq(t, `{"errors":[{"title":"Bad Request","details":"The Idempotency-Key header must be at most 255 characters."}]}`, body)
		res, _ = postInquiry(t, b, strings.Repeat("k", 255), b.sandbox, "")
		require.Equal(t, http.StatusCreated, res.StatusCode)
	})

	t.Run("OnlyPOST", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		h := map[string]string{"Idempotency-Key": "k3"}
		for range 2 {
			res, _ := b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", h)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Empty(t, res.Header.Get("Idempotent-Replayed"))
		}
	})

	t.Run("KeysBelongToAPIKeys", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		res, _ := postInquiry(t, b, "shared", b.sandbox, "")
		require.Equal(t, http.StatusCreated, res.StatusCode)
		res, _ = postInquiry(t, b, "shared", b.prod, b.placeholders().Replace(`{"data":{"attributes":{"inquiry-template-id":"{prod_tmpl}"}}}`))
		require.Equal(t, http.StatusCreated, res.StatusCode)
		require.Empty(t, res.Header.Get("Idempotent-Replayed"))
	})

	t.Run("UnauthorizedIsNotStored", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		res, _ := postInquiry(t, b, "k4", b.revoked, "")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
		res, _ = postInquiry(t, b, "k4", b.sandbox, "")
		require.Equal(t, http.StatusCreated, res.StatusCode)
		require.Empty(t, res.Header.Get("Idempotent-Replayed"))
	})

	t.Run("RedactionForgetsStoredResponses", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		res, body := postInquiry(t, b, "k5", b.sandbox, "")
		require.Equal(t, http.StatusCreated, res.StatusCode)
		id := jsonPath(t, decodeJSON(t, []byte(body)), "data.id").(string)
		res, _ = b.do(t, http.MethodDelete, "/api/v1/inquiries/"+id, b.sandbox, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		res, body = postInquiry(t, b, "k5", b.sandbox, "")
		require.Equal(t, http.StatusCreated, res.StatusCode)
		require.Empty(t, res.Header.Get("Idempotent-Replayed"), "no copy of the redacted inquiry survives")
		require.NotEqual(t, id, jsonPath(t, decodeJSON(t, []byte(body)), "data.id"))
	})

	t.Run("InFlightDuplicateIs409", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		// Authenticate once, so the key is cached and later requests do
		// not need the writer.
		res, _ := b.do(t, http.MethodGet, "/api/v1/accounts", b.sandbox, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		// Hold SQLite's single writer: whichever request takes the key
		// first blocks creating its inquiry, so the other finds it busy.
		held, release := make(chan struct{}), make(chan struct{})
		go func() {
			_ = b.svc.Store.Update(context.Background(), func(vouch.Tx) error {
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		type answer struct {
			status int
			body   string
			err    error
		}
		answers := make(chan answer, 2)
		for range 2 {
			go func() {
				res, body, err := sendInquiry(b, "busy", b.sandbox, "")
				if err != nil {
					answers <- answer{err: err}
					return
				}
				answers <- answer{res.StatusCode, body, nil}
			}()
		}
		first := <-answers
		require.NoError(t, first.err)
		require.Equal(t, http.StatusConflict, first.status)
		require.JSONEq(t, `{"errors":[{"title":"Conflict","details":"A request with this Idempotency-Key is still in progress."}]}`, first.body)
		close(release)
		second := <-answers
		require.NoError(t, second.err)
		require.Equal(t, http.StatusCreated, second.status, second.body)
	})

	t.Run("ConcurrentDuplicatesRunOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t, api.Config{})
		before := b.eventIDs(t)
		const n = 8
		var wg sync.WaitGroup
		statuses := make([]string, n)
		for i := range n {
			wg.Go(func() {
				res, _, err := sendInquiry(b, "burst", b.sandbox, "")
				if err != nil {
					statuses[i] = err.Error()
					return
				}
				statuses[i] = fmt.Sprintf("%d replayed=%q", res.StatusCode, res.Header.Get("Idempotent-Replayed"))
			})
		}
		wg.Wait()
		first := 0
		for _, s := range statuses {
			require.Contains(t, []string{`201 replayed=""`, `201 replayed="true"`, `409 replayed=""`}, s)
			if s == `201 replayed=""` {
				first++
			}
		}
		require.Equal(t, 1, first, "exactly one request ran: %v", statuses)
		require.Equal(t, []string{"inquiry.created"}, b.newEvents(t, before))
	})
}

func TestInternalErrors(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "StoreDown", method: http.MethodGet, path: "/api/v1/inquiries/{inq}",
			prepare: func(t *testing.T, b *bundle) {
				t.Helper()
				require.NoError(t, b.svc.Store.Close())
			},
			noStore: true,
			status:  500, err: `{"errors":[{"title":"Internal Server Error","details":"Internal error."}]}`},
	})
}
