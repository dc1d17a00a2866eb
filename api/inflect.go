// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/vouch-id/vouch"
)

// Key inflections a client may ask for with the Key-Inflection header
// (spec §4.1). Kebab is the default and what the encoders produce.
const (
	InflectKebab = "kebab"
	InflectCamel = "camel"
	InflectSnake = "snake"
)

// keyInflection reads the Key-Inflection header; absent means kebab.
func keyInflection(r *http.Request) (string, error) {
	v := strings.ToLower(strings.TrimSpace(r.Header.Get("Key-Inflection")))
	switch v {
	case "":
		return InflectKebab, nil
	case InflectKebab, InflectCamel, InflectSnake:
		return v, nil
	}
	return "", vouch.Errorf(vouch.EINVALID, "Key-Inflection must be %s, %s or %s.", InflectKebab, InflectCamel, InflectSnake)
}

// Inflect re-encodes a JSON document with every object key converted to
// style (camel or snake; kebab returns body unchanged). Webhook delivery
// uses it too, since payloads follow the endpoint's inflection.
func Inflect(body []byte, style string) ([]byte, error) {
	if style == InflectKebab || style == "" {
		return body, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep numbers exactly as the encoder wrote them
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("inflect: %w", err)
	}
	out, err := json.Marshal(inflectValue(v, style))
	if err != nil {
		return nil, fmt.Errorf("inflect: %w", err)
	}
	return append(out, '\n'), nil
}

// inflectValue converts the keys of every object inside v.
func inflectValue(v any, style string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[InflectKey(k, style)] = inflectValue(e, style)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = inflectValue(e, style)
		}
		return x
	}
	return v
}

// InflectKey converts one kebab-case (or snake_case) key: "reference-id"
// becomes "referenceId" (camel) or "reference_id" (snake).
func InflectKey(k, style string) string {
	switch style {
	case InflectSnake:
		return strings.ReplaceAll(k, "-", "_")
	case InflectCamel:
		var b strings.Builder
		up := false
		for _, r := range k {
			if r == '-' || r == '_' {
				up = b.Len() > 0
				continue
			}
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			up = false
			b.WriteRune(r)
		}
		return b.String()
	}
	return k
}
