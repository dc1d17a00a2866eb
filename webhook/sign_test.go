// SPDX-License-Identifier: Apache-2.0

package webhook_test

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/webhook"
)

var update = flag.Bool("update", false, "rewrite testdata files")

// vector is one case of testdata/vectors.json, shared with verify.mjs.
type vector struct {
	Name             string   `json:"name"`
	Header           string   `json:"header"`
	Body             string   `json:"body"`
	Secrets          []string `json:"secrets"`
	NowUnix          int64    `json:"now_unix"`
	ToleranceSeconds int64    `json:"tolerance_seconds"`
	Valid            bool     `json:"valid"`
}

const (
	vecNew  = "wbhsec_newNewNewNewNewNewNewNewNewNewNe"
	vecOld  = "wbhsec_oldOldOldOldOldOldOldOldOldOldOl"
	vecBody = `{"data":{"type":"event","id":"evt_0000000000000000000000000000","attributes":{"name":"inquiry.completed"}}}`
	vecTime = 1_700_000_000
)

// makeVectors builds the cases from Sign, so they follow the format.
func makeVectors() []vector {
	at := time.Unix(vecTime, 0)
	one := webhook.Sign([]byte(vecBody), []string{vecNew}, at)
	both := webhook.Sign([]byte(vecBody), []string{vecNew, vecOld}, at)
	wrong := webhook.Sign([]byte(vecBody), []string{"wbhsec_wrong"}, at)
	v := func(name, header, body string, secrets []string, now int64, valid bool) vector {
		return vector{name, header, body, secrets, now, 300, valid}
	}
	return []vector{
		v("Valid", one, vecBody, []string{vecNew}, vecTime+10, true),
		v("TamperedBody", one, strings.Replace(vecBody, "completed", "approved", 1), []string{vecNew}, vecTime, false),
		v("TamperedTimestamp", strings.Replace(one, "t=1700000000", "t=1700000001", 1), vecBody, []string{vecNew}, vecTime, false),
		v("WrongSecret", one, vecBody, []string{"wbhsec_other"}, vecTime, false),
		v("Stale", one, vecBody, []string{vecNew}, vecTime+301, false),
		v("FromTheFuture", one, vecBody, []string{vecNew}, vecTime-301, false),
		v("RotationReceiverHasNew", both, vecBody, []string{vecNew}, vecTime, true),
		v("RotationReceiverHasOld", both, vecBody, []string{vecOld}, vecTime, true),
		v("OneOfSeveralValid", wrong+" "+one, vecBody, []string{vecNew}, vecTime, true),
		v("NoneOfSeveralValid", wrong+" "+wrong, vecBody, []string{vecNew}, vecTime, false),
		v("Empty", "", vecBody, []string{vecNew}, vecTime, false),
		v("Garbage", "t=abc,v1=zz", vecBody, []string{vecNew}, vecTime, false),
	}
}

func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "vectors.json")
	if *update {
		b, err := json.MarshalIndent(makeVectors(), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var vs []vector
	require.NoError(t, json.Unmarshal(b, &vs))
	require.Equal(t, makeVectors(), vs, "vectors.json is current (go test ./webhook -update)")
	for _, v := range vs {
		err := webhook.Verify(v.Header, []byte(v.Body), v.Secrets, time.Duration(v.ToleranceSeconds)*time.Second, time.Unix(v.NowUnix, 0))
		require.Equal(t, v.Valid, err == nil, "%s: %v", v.Name, err)
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	at := time.Unix(vecTime, 0)
	h := webhook.Sign([]byte(vecBody), []string{vecNew}, at)
	require.ErrorIs(t, webhook.Verify(h, []byte(vecBody), []string{vecNew}, time.Minute, at.Add(time.Hour)), webhook.ErrStale)
	require.ErrorIs(t, webhook.Verify(h, []byte("x"), []string{vecNew}, time.Minute, at), webhook.ErrBadSignature)
	require.ErrorIs(t, webhook.Verify("", []byte("x"), []string{vecNew}, time.Minute, at), webhook.ErrNoSignature)
	require.NoError(t, webhook.Verify(h, []byte(vecBody), []string{vecNew}, 0, at.Add(time.Hour)), "0 disables the tolerance")
}

// TestNodeVerifier runs the Node snippet of the docs on the same vectors.
func TestNodeVerifier(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is required under CI")
		}
		t.Skip("node is not installed")
	}
	out, err := exec.Command(node, filepath.Join("testdata", "verify_test.mjs"), filepath.Join("testdata", "vectors.json")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "ok")
}
