// SPDX-License-Identifier: Apache-2.0

package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNewLimiter(t *testing.T) {
	t.Parallel()
	l := newLimiter(0, 0, time.Now)
	require.Equal(t, DefaultRateLimit, l.Limit)
	require.Equal(t, DefaultRateWindow, l.Window)
	require.Nil(t, newLimiter(-1, 0, time.Now), "negative disables")
}
