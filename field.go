// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FieldType is the declared type of an inquiry field (spec §3.5).
type FieldType string

// The field types. Their names appear in API payloads.
const (
	FieldString       FieldType = "string"
	FieldNumber       FieldType = "number"
	FieldInteger      FieldType = "integer"
	FieldBoolean      FieldType = "boolean"
	FieldDate         FieldType = "date"
	FieldDatetime     FieldType = "datetime"
	FieldChoices      FieldType = "choices"
	FieldMultiChoices FieldType = "multi_choices"
	FieldArray        FieldType = "array"
	FieldHash         FieldType = "hash"
	FieldJSON         FieldType = "json"
)

var fieldTypes = map[FieldType]bool{
	FieldString: true, FieldNumber: true, FieldInteger: true, FieldBoolean: true,
	FieldDate: true, FieldDatetime: true, FieldChoices: true, FieldMultiChoices: true,
	FieldArray: true, FieldHash: true, FieldJSON: true,
}

// Valid reports whether t is a known field type.
func (t FieldType) Valid() bool { return fieldTypes[t] }

// FieldValue is one field as the API reads it: {"type": …, "value": …}.
type FieldValue struct {
	Type  FieldType `json:"type"`
	Value any       `json:"value"`
}

// Fields maps a field key (as configured on the template) to its value.
type Fields map[string]FieldValue

// FieldSchema declares one field of a template version.
type FieldSchema struct {
	Key      string    `json:"key"`
	Type     FieldType `json:"type"`
	Label    string    `json:"label,omitempty"`
	Required bool      `json:"required,omitempty"`
	// Choices lists the allowed values of choices and multi_choices fields.
	Choices []string `json:"choices,omitempty"`
	// MaxLength bounds string values (default 1,000 characters).
	MaxLength int `json:"max-length,omitempty"`
}

// DefaultFieldMaxLength bounds string field values when the schema is silent.
const DefaultFieldMaxLength = 1000

var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// Validate checks a field declaration.
func (f *FieldSchema) Validate() error {
	if !fieldKeyRE.MatchString(f.Key) {
		return FieldError("fields", "field key %q must be 1-64 lowercase letters, digits, '_' or '-', starting with a letter", f.Key)
	}
	if !f.Type.Valid() {
		return FieldError("fields", "field %q has unknown type %q", f.Key, f.Type)
	}
	if (f.Type == FieldChoices || f.Type == FieldMultiChoices) && len(f.Choices) == 0 {
		return FieldError("fields", "field %q of type %s needs choices", f.Key, f.Type)
	}
	return nil
}

// NormalizeFieldKey folds the spellings a client may use for one key
// (nameFirst, name-first, name_first) into a comparable form, so that the
// SDK's kebab-cased keys map back to the template's keys.
func NormalizeFieldKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		switch {
		case r == '-' || r == '_' || r == ' ':
			continue
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CoerceFields checks input values against the schema and returns them typed.
// Keys are matched by NormalizeFieldKey; a key the schema does not declare is
// an EINVALID error, as is a value that does not fit its type. String inputs
// are converted to the declared type, since query strings carry only strings.
func CoerceFields(schema []FieldSchema, in map[string]any) (Fields, error) {
	byKey := make(map[string]*FieldSchema, len(schema))
	for i := range schema {
		byKey[NormalizeFieldKey(schema[i].Key)] = &schema[i]
	}
	out := make(Fields, len(in))
	// Sorted keys: with several bad fields, the one reported is always the
	// same.
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := in[k]
		f, ok := byKey[NormalizeFieldKey(k)]
		if !ok {
			return nil, FieldError("fields."+k, "unknown field %q", k)
		}
		if v == nil {
			out[f.Key] = FieldValue{Type: f.Type, Value: nil}
			continue
		}
		cv, err := coerceValue(f, v)
		if err != nil {
			return nil, FieldError("fields."+k, "field %q: %s", k, err)
		}
		out[f.Key] = FieldValue{Type: f.Type, Value: cv}
	}
	return out, nil
}

// coerceValue converts one value to f's type.
func coerceValue(f *FieldSchema, v any) (any, error) {
	switch f.Type {
	case FieldString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a string")
		}
		max := f.MaxLength
		if max == 0 {
			max = DefaultFieldMaxLength
		}
		if len([]rune(s)) > max {
			return nil, fmt.Errorf("must be at most %d characters", max)
		}
		return s, nil
	case FieldNumber, FieldInteger:
		var n float64
		switch x := v.(type) {
		case float64:
			n = x
		case json.Number:
			p, err := x.Float64()
			if err != nil {
				return nil, fmt.Errorf("must be a number")
			}
			n = p
		case int:
			n = float64(x)
		case int64:
			n = float64(x)
		case string:
			p, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, fmt.Errorf("must be a number")
			}
			n = p
		default:
			return nil, fmt.Errorf("must be a number")
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("must be a finite number")
		}
		if f.Type == FieldInteger {
			if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
				return nil, fmt.Errorf("must be an integer")
			}
			return int64(n), nil
		}
		return n, nil
	case FieldBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(x) {
			case "true", "1":
				return true, nil
			case "false", "0":
				return false, nil
			}
		}
		return nil, fmt.Errorf("must be true or false")
	case FieldDate:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a date (YYYY-MM-DD)")
		}
		if len(s) > 10 { // accept a full ISO timestamp, as the SDK sends Dates
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t.UTC().Format(time.DateOnly), nil
			}
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, fmt.Errorf("must be a date (YYYY-MM-DD)")
		}
		return s, nil
	case FieldDatetime:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be an ISO-8601 date-time")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("must be an ISO-8601 date-time")
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	case FieldChoices:
		s, ok := v.(string)
		if !ok || !contains(f.Choices, s) {
			return nil, fmt.Errorf("must be one of %s", strings.Join(f.Choices, ", "))
		}
		return s, nil
	case FieldMultiChoices:
		list, err := stringList(v)
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			if !contains(f.Choices, s) {
				return nil, fmt.Errorf("each value must be one of %s", strings.Join(f.Choices, ", "))
			}
		}
		return list, nil
	case FieldArray:
		if _, ok := v.([]any); !ok {
			if list, err := stringList(v); err == nil {
				return list, nil
			}
			return nil, fmt.Errorf("must be an array")
		}
		return v, nil
	case FieldHash:
		if _, ok := v.(map[string]any); !ok {
			return nil, fmt.Errorf("must be an object")
		}
		return v, nil
	case FieldJSON:
		return v, nil
	}
	return nil, fmt.Errorf("has unknown type %q", f.Type)
}

// stringList accepts []string, []any of strings, or a comma-free single string.
func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("must be a list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	case string:
		return []string{x}, nil
	}
	return nil, fmt.Errorf("must be a list of strings")
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
