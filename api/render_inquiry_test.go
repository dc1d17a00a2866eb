// SPDX-License-Identifier: Apache-2.0

package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInquiryKeysSorted keeps the inquiry's attribute and relationship
// structs in the order a map of the same keys encodes in, so the bytes of
// every inquiry response stay what they were when they were maps.
func TestInquiryKeysSorted(t *testing.T) {
	t.Parallel()
	for _, v := range []any{inquiryAttributes{}, inquiryLinks{}} {
		typ := reflect.TypeOf(v)
		var names []string
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			require.NotEmpty(t, name, "%s.%s has no JSON name", typ.Name(), typ.Field(i).Name)
			names = append(names, name)
		}
		require.True(t, slices.IsSorted(names), "%s: %v", typ.Name(), names)
	}
}
