// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/vouch-id/vouch"
)

// decodeBody decodes a JSON request body into v, a pointer to a struct
// whose json tags are the kebab-case keys of the API. It is strict: a key
// the struct does not declare is an error naming it, so a typo never
// silently drops a value. Keys are accepted in any of the three casings of
// Key-Inflection (reference-id, referenceId, reference_id). Free-form
// members (map[string]any, such as fields) are passed through untouched.
//
// An empty body decodes to the zero value when optional is true.
func decodeBody(body []byte, v any, optional bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return vouch.Errorf(vouch.EINVALID, "The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return syntaxError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return vouch.Errorf(vouch.EINVALID, "The request body must hold a single JSON value.")
	}
	if raw == nil && optional {
		return nil
	}
	if _, ok := raw.(map[string]any); !ok {
		return vouch.Errorf(vouch.EINVALID, "The request body must be a JSON object.")
	}
	norm, err := normalizeKeys(raw, reflect.TypeOf(v).Elem(), "")
	if err != nil {
		return err
	}
	canon, err := json.Marshal(norm)
	if err != nil {
		return fmt.Errorf("re-encode body: %w", err)
	}
	dec = json.NewDecoder(bytes.NewReader(canon))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return typeError(err)
	}
	return nil
}

// syntaxError turns a JSON parse error into a clean EINVALID.
func syntaxError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return vouch.Errorf(vouch.EINVALID, "The request body is not valid JSON (error at byte %d).", se.Offset)
	}
	return vouch.Errorf(vouch.EINVALID, "The request body is not valid JSON.")
}

// typeError turns a JSON type mismatch into an EINVALID that points at the
// offending member.
func typeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		ptr := "/" + strings.ReplaceAll(te.Field, ".", "/")
		msg := fmt.Sprintf("%s must be %s.", te.Field[strings.LastIndexByte(te.Field, '.')+1:], jsonKind(te.Type))
		return &vouch.Error{Code: vouch.EINVALID, Message: msg, Details: map[string]string{ptr: msg}}
	}
	return vouch.Errorf(vouch.EINVALID, "The request body does not have the expected shape.")
}

// jsonKind names the JSON type a Go type expects, for error messages.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a different type"
}

// normalizeKeys walks raw alongside t and renames every object key to the
// json tag it stands for, reporting the first key that matches nothing.
func normalizeKeys(raw any, t reflect.Type, path string) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return raw, nil // a type error, reported by the real decode
		}
		fields := structKeys(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys) // report the same unknown key every time
		out := make(map[string]any, len(obj))
		for _, k := range keys {
			f, ok := fields[vouch.NormalizeFieldKey(k)]
			if !ok {
				ptr := path + "/" + k
				msg := fmt.Sprintf("Unknown key %q.", k)
				return nil, &vouch.Error{Code: vouch.EINVALID, Message: msg, Details: map[string]string{pointerOf(ptr): msg}}
			}
			if _, dup := out[f.name]; dup {
				msg := fmt.Sprintf("Key %q is given twice.", f.name)
				return nil, &vouch.Error{Code: vouch.EINVALID, Message: msg, Details: map[string]string{pointerOf(path + "/" + f.name): msg}}
			}
			v, err := normalizeKeys(obj[k], f.typ, path+"/"+f.name)
			if err != nil {
				return nil, err
			}
			out[f.name] = v
		}
		return out, nil
	case reflect.Slice, reflect.Array:
		list, ok := raw.([]any)
		if !ok {
			return raw, nil
		}
		for i, e := range list {
			v, err := normalizeKeys(e, t.Elem(), path+"/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			list[i] = v
		}
		return list, nil
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok || t.Elem().Kind() == reflect.Interface {
			return raw, nil // free-form: keys are the client's own
		}
		for k, e := range obj {
			v, err := normalizeKeys(e, t.Elem(), path+"/"+k)
			if err != nil {
				return nil, err
			}
			obj[k] = v
		}
		return obj, nil
	}
	return raw, nil
}

// pointerOf makes a body pointer a Details key ("/data/attributes/x" stays
// a pointer in web/response).
func pointerOf(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// structField is one decodable member of a struct.
type structField struct {
	name string
	typ  reflect.Type
}

// structKeysOf keeps structKeys' maps: request types are few and fixed,
// and building a map by reflection cost about a quarter of decoding an
// inquiry create's body.
var structKeysOf sync.Map // reflect.Type → map[string]structField

// structKeys maps the normalized json names of t's exported fields (and
// those of embedded structs) to the field. The map is shared: read only.
func structKeys(t reflect.Type) map[string]structField {
	if m, ok := structKeysOf.Load(t); ok {
		return m.(map[string]structField)
	}
	m, _ := structKeysOf.LoadOrStore(t, buildStructKeys(t))
	return m.(map[string]structField)
}

func buildStructKeys(t reflect.Type) map[string]structField {
	out := map[string]structField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range buildStructKeys(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[vouch.NormalizeFieldKey(name)] = structField{name: name, typ: f.Type}
	}
	return out
}

// pointerError is an EINVALID about the request member at a JSON pointer.
func pointerError(pointer, msg string) error {
	return &vouch.Error{Code: vouch.EINVALID, Message: msg, Details: map[string]string{pointer: msg}}
}
