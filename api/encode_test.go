// SPDX-License-Identifier: Apache-2.0

package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestKebab(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"nameFirst":        "name-first",
		"name_first":       "name-first",
		"name-first":       "name-first",
		"NameFirst":        "name-first",
		"addressStreet1":   "address-street-1",
		"address_street_1": "address-street-1",
		"ABCDef":           "abc-def",
		"id":               "id",
		"IDClass":          "id-class",
		"selfie photo":     "selfie-photo",
		"__x__":            "x",
		"":                 "",
	} {
		require.Equal(t, want, Kebab(in), in)
	}
}

func TestInflectKey(t *testing.T) {
	t.Parallel()
	require.Equal(t, "referenceId", InflectKey("reference-id", InflectCamel))
	require.Equal(t, "addressStreet1", InflectKey("address-street-1", InflectCamel))
	require.Equal(t, "nameFirst", InflectKey("name_first", InflectCamel))
	require.Equal(t, "reference_id", InflectKey("reference-id", InflectSnake))
	require.Equal(t, "reference-id", InflectKey("reference-id", InflectKebab))
}

func TestInflect(t *testing.T) {
	t.Parallel()
	in := []byte(`{"data":{"type":"inquiry","attributes":{"reference-id":"a-b","created-at-ts":1708040897,"x":1.50,"list":[{"next-step-name":null}]}}}`)
	out, err := Inflect(in, InflectCamel)
	require.NoError(t, err)
	require.JSONEq(t, `{"data":{"type":"inquiry","attributes":{"referenceId":"a-b","createdAtTs":1708040897,"x":1.50,"list":[{"nextStepName":null}]}}}`, string(out))
	require.Contains(t, string(out), "1.50", "numbers are kept exactly")

	out, err = Inflect(in, InflectKebab)
	require.NoError(t, err)
	require.Equal(t, string(in), string(out))

	_, err = Inflect([]byte(`{`), InflectSnake)
	require.Error(t, err)
}

func TestTimes(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 2, 15, 23, 48, 17, 732_123_000, time.FixedZone("x", 3600))
	require.Equal(t, "2024-02-15T22:48:17.732Z", formatTime(at))
	require.Nil(t, optTime(nil))
	require.Equal(t, "2024-02-15T22:48:17.732Z", optTime(&at))
	require.Nil(t, optUnix(nil))
	require.Equal(t, at.Unix(), optUnix(&at))
	require.Equal(t, "2024-02-15T22:48:17.000Z", formatTime(at.Truncate(time.Second)))
}
