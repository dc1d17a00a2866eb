// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

func TestQuery(t *testing.T) {
	t.Parallel()

	parse := func(t *testing.T, target string) (query, page, *http.Request, error) {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, target, nil)
		q, err := newQuery(r, "status", "created-at-start")
		if err != nil {
			return q, page{}, r, err
		}
		p, err := q.page()
		return q, p, r, err
	}

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		_, p, _, err := parse(t, "/api/v1/inquiries")
		require.NoError(t, err)
		require.Equal(t, page{size: DefaultPageSize}, p)
	})

	t.Run("Lists", func(t *testing.T) {
		t.Parallel()
		q, _, _, err := parse(t, "/api/v1/inquiries?filter%5Bstatus%5D=created,%20pending,&filter[status]=failed")
		require.NoError(t, err)
		require.Equal(t, []string{"created", "pending", "failed"}, q.list("status"))
		require.Nil(t, q.str("reference-id"))
	})

	t.Run("Time", func(t *testing.T) {
		t.Parallel()
		q, _, _, err := parse(t, "/api/v1/inquiries?filter[created-at-start]=2024-02-15T23:48:17.5%2B01:00")
		require.NoError(t, err)
		at, err := q.time("created-at-start")
		require.NoError(t, err)
		require.Equal(t, "2024-02-15T22:48:17.5Z", at.UTC().Format("2006-01-02T15:04:05.999Z"))
	})

	for _, tc := range []struct{ name, target, param, message string }{
		{"UnknownFilter", "/x?filter[colour]=red", "filter[colour]", "Unknown query parameter filter[colour]."},
		{"UnknownPage", "/x?page[number]=2", "page[number]", "Unknown query parameter page[number]."},
		{"SizeZero", "/x?page[size]=0", "page[size]", "page[size] must be an integer from 1 to 100."},
		{"SizeTooBig", "/x?page[size]=101", "page[size]", "page[size] must be an integer from 1 to 100."},
		{"SizeNotNumber", "/x?page[size]=ten", "page[size]", "page[size] must be an integer from 1 to 100."},
		{"BothCursors", "/x?page[after]=inq_a&page[before]=inq_b", "page[before]", "page[after] and page[before] cannot be combined."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, _, err := parse(t, tc.target)
			require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err))
			require.Equal(t, map[string]string{tc.param: tc.message}, vouch.ErrorDetails(err))
		})
	}

	t.Run("BadTime", func(t *testing.T) {
		t.Parallel()
		q, _, _, err := parse(t, "/x?filter[created-at-start]=yesterday")
		require.NoError(t, err)
		_, err = q.time("created-at-start")
		require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err))
		require.Contains(t, vouch.ErrorDetails(err), "filter[created-at-start]")
	})

	t.Run("Links", func(t *testing.T) {
		t.Parallel()
		str := func(s string) *string { return &s }
		q, p, r, err := parse(t, "/api/v1/inquiries?filter[status]=created&page[size]=2")
		require.NoError(t, err)
		require.Equal(t, Links{Next: str("/api/v1/inquiries?filter%5Bstatus%5D=created&page%5Bafter%5D=inq_2&page%5Bsize%5D=2")},
			q.links(r, p, []string{"inq_1", "inq_2"}, true))
		require.Equal(t, Links{}, q.links(r, p, []string{"inq_1"}, false))
		require.Equal(t, Links{}, q.links(r, p, nil, false))

		q, p, r, err = parse(t, "/api/v1/inquiries?page[after]=inq_2&page[size]=2")
		require.NoError(t, err)
		require.Equal(t, Links{
			Prev: str("/api/v1/inquiries?page%5Bbefore%5D=inq_3&page%5Bsize%5D=2"),
			Next: str("/api/v1/inquiries?page%5Bafter%5D=inq_4&page%5Bsize%5D=2"),
		}, q.links(r, p, []string{"inq_3", "inq_4"}, true))

		q, p, r, err = parse(t, "/api/v1/inquiries?page[before]=inq_3&page[size]=2")
		require.NoError(t, err)
		require.Equal(t, Links{
			Next: str("/api/v1/inquiries?page%5Bafter%5D=inq_2&page%5Bsize%5D=2"),
		}, q.links(r, p, []string{"inq_1", "inq_2"}, false))
	})
}
