// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
)

// The tests in this file keep docs/openapi.yaml and the routes of
// api.NewHandler equal in both directions: every registered route is
// documented, every documented route is served, and the documented shapes
// match the golden responses.

// openAPIFile is the API's OpenAPI document, relative to this package.
const openAPIFile = "../docs/openapi.yaml"

// openAPIMethods are the operation keys of an OpenAPI path item.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// openAPIPathParam matches a path template parameter such as {id}.
var openAPIPathParam = regexp.MustCompile(`\{([^{}/]+)\}`)

// openAPIOperation is one documented method and path.
type openAPIOperation struct {
	method string         // upper case, as in ServeMux patterns
	path   string         // as written under paths, relative to the server
	full   string         // with the server's base path, as registered
	item   map[string]any // the path item
	op     map[string]any // the operation
}

// key is the operation as a ServeMux pattern: "GET /api/v1/inquiries/{id}".
func (o openAPIOperation) key() string { return o.method + " " + o.full }

// loadOpenAPI parses the document; a duplicate key is an error.
func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(openAPIFile)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.UnmarshalStrict(raw, &doc), "parse %s", openAPIFile)
	return doc
}

// openAPIObject returns v as a JSON object, failing the test otherwise.
func openAPIObject(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "%s must be an object, got %T", what, v)
	return m
}

// openAPIOperations lists the document's operations in a stable order.
func openAPIOperations(t *testing.T, doc map[string]any) []openAPIOperation {
	t.Helper()
	base := ""
	if servers, ok := doc["servers"].([]any); ok && len(servers) > 0 {
		base, _ = openAPIObject(t, servers[0], "servers[0]")["url"].(string)
		require.True(t, strings.HasPrefix(base, "/"), "servers[0].url must be a base path such as /api/v1, got %q", base)
		base = strings.TrimSuffix(base, "/")
	}
	var out []openAPIOperation
	for path, v := range openAPIObject(t, doc["paths"], "paths") {
		require.True(t, strings.HasPrefix(path, "/"), "path %q must start with /", path)
		item := openAPIObject(t, v, "paths."+path)
		for _, m := range openAPIMethods {
			if op, ok := item[m]; ok {
				out = append(out, openAPIOperation{method: strings.ToUpper(m), path: path, full: base + path,
					item: item, op: openAPIObject(t, op, m+" "+path)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// openAPIRoute is one route(…) call of api.NewHandler.
type openAPIRoute struct {
	pattern string // "GET /api/v1/inquiries/{id}"
	handler string // "getInquiry"
}

// openAPIRouteCall matches route("METHOD /api/v1/…", h.name) in api.go,
// and retrieve(…), which registers a route the same way behind the
// response cache.
var openAPIRouteCall = regexp.MustCompile(`\b(?:route|retrieve)\("([A-Z]+) (/api/v1/[^"\s]*)",\s*h\.(\w+)\)`)

// openAPIRegisteredRoutes reads the routes from api.go's source. Every
// call of route( must have the expected shape, so a route written
// differently fails here instead of escaping the comparison.
func openAPIRegisteredRoutes(t *testing.T) []openAPIRoute {
	t.Helper()
	src, err := os.ReadFile("api.go")
	require.NoError(t, err)
	matches := openAPIRouteCall.FindAllStringSubmatch(string(src), -1)
	require.NotEmpty(t, matches, "no route(\"METHOD /api/v1/…\", h.handler) call found in api.go")
	calls := regexp.MustCompile(`\b(?:route|retrieve)\(`).FindAllIndex(src, -1)
	require.Equal(t, len(calls), len(matches), "every route( call in api.go must read route(\"METHOD /api/v1/…\", h.handler)")
	out := make([]openAPIRoute, 0, len(matches))
	for _, m := range matches {
		out = append(out, openAPIRoute{pattern: m[1] + " " + m[2], handler: m[3]})
	}
	return out
}

// openAPIResolve follows a local reference ("#/components/schemas/X").
func openAPIResolve(doc map[string]any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	segs := strings.Split(ref[2:], "/")
	for i, seg := range segs {
		segs[i] = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
	}
	return lookupSegments(doc, segs)
}

// openAPIRefs returns every $ref value in v with where it was found.
func openAPIRefs(v any, at string, out map[string][]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				out[s] = append(out[s], at)
				continue
			}
			openAPIRefs(e, at+"/"+k, out)
		}
	case []any:
		for i, e := range x {
			openAPIRefs(e, at+"/"+strconv.Itoa(i), out)
		}
	}
}

// openAPIDeref follows $ref until it reaches an object without one.
func openAPIDeref(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	m := openAPIObject(t, v, "referenced object")
	for i := 0; i < 10; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		target, ok := openAPIResolve(doc, ref)
		require.True(t, ok, "unresolved $ref %s", ref)
		m = openAPIObject(t, target, ref)
	}
	require.FailNow(t, "$ref chain too long")
	return nil
}

// openAPIParameters returns the resolved parameters of an operation,
// those of its path item first.
func openAPIParameters(t *testing.T, doc map[string]any, o openAPIOperation) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, list := range []any{o.item["parameters"], o.op["parameters"]} {
		ps, _ := list.([]any)
		for _, p := range ps {
			out = append(out, openAPIDeref(t, doc, p))
		}
	}
	return out
}

// openAPIResponseSchema returns the JSON schema of an operation's response.
func openAPIResponseSchema(t *testing.T, doc map[string]any, o openAPIOperation, status string) any {
	t.Helper()
	res, ok := openAPIObject(t, o.op["responses"], o.key()+" responses")[status]
	require.True(t, ok, "%s documents no %s response", o.key(), status)
	content := openAPIObject(t, openAPIDeref(t, doc, res)["content"], o.key()+" "+status+" content")
	media := openAPIObject(t, content["application/json"], o.key()+" "+status+" application/json")
	return media["schema"]
}

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)

	t.Run("Header", func(t *testing.T) {
		t.Parallel()
		version, _ := doc["openapi"].(string)
		require.Regexp(t, `^3\.1\.\d+$`, version, "the document must be OpenAPI 3.1.x")
		info := openAPIObject(t, doc["info"], "info")
		require.NotEmpty(t, info["title"], "info.title")
		require.NotEmpty(t, info["version"], "info.version")
		require.NotEmpty(t, openAPIObject(t, doc["paths"], "paths"), "paths")
		require.Contains(t, openAPIObject(t, openAPIObject(t, doc["components"], "components")["securitySchemes"], "securitySchemes"), "apiKey")
	})

	t.Run("RefsResolve", func(t *testing.T) {
		t.Parallel()
		refs := map[string][]string{}
		openAPIRefs(doc, "", refs)
		require.NotEmpty(t, refs)
		for ref, at := range refs {
			_, ok := openAPIResolve(doc, ref)
			require.True(t, ok, "$ref %q (at %v) does not resolve inside the document", ref, at)
		}
		// Every component is used, so none is left behind by an edit.
		for kind, v := range openAPIObject(t, doc["components"], "components") {
			if kind == "securitySchemes" {
				continue // referenced by name from security
			}
			for name := range openAPIObject(t, v, "components."+kind) {
				ref := "#/components/" + kind + "/" + name
				_, used := refs[ref]
				require.True(t, used, "%s is never referenced", ref)
			}
		}
	})

	t.Run("Operations", func(t *testing.T) {
		t.Parallel()
		ids := map[string]string{}
		for _, o := range openAPIOperations(t, doc) {
			id, _ := o.op["operationId"].(string)
			require.NotEmpty(t, id, "%s has no operationId", o.key())
			_, dup := ids[id]
			require.False(t, dup, "operationId %s is used by %s and %s", id, ids[id], o.key())
			ids[id] = o.key()

			// Path parameters and the template agree.
			declared := map[string]bool{}
			for _, p := range openAPIParameters(t, doc, o) {
				if p["in"] == "path" {
					require.Equal(t, true, p["required"], "%s: path parameter %v must be required", o.key(), p["name"])
					declared[p["name"].(string)] = true
				}
			}
			inPath := map[string]bool{}
			for _, m := range openAPIPathParam.FindAllStringSubmatch(o.path, -1) {
				inPath[m[1]] = true
			}
			require.Equal(t, inPath, declared, "%s: path parameters", o.key())

			// Every route runs the same pipeline (api.go, handler.serve):
			// auth, rate limit, Key-Inflection, body limit, idempotency.
			responses := openAPIObject(t, o.op["responses"], o.key()+" responses")
			want := []string{"400", "401", "429", "500"}
			if o.method == http.MethodPost || o.method == http.MethodPatch {
				want = append(want, "413")
			}
			if o.method == http.MethodPost {
				want = append(want, "409", "422")
			}
			for _, status := range want {
				_, ok := responses[status]
				require.True(t, ok, "%s must document %s", o.key(), status)
			}
			success := 0
			for status := range responses {
				if strings.HasPrefix(status, "2") {
					success++
				}
			}
			require.Equal(t, 1, success, "%s must document one success status", o.key())
			hasIdempotencyKey := slices.ContainsFunc(openAPIParameters(t, doc, o), func(p map[string]any) bool {
				return p["in"] == "header" && p["name"] == api.IdempotencyKeyHeader
			})
			require.Equal(t, o.method == http.MethodPost, hasIdempotencyKey, "%s: Idempotency-Key is a parameter of POST routes only", o.key())
		}
	})

	t.Run("EnumsMatchTheDomain", func(t *testing.T) {
		t.Parallel()
		enum := func(name string) []any {
			schema, ok := openAPIResolve(doc, "#/components/schemas/"+name)
			require.True(t, ok, "schema %s", name)
			return openAPIObject(t, schema, name)["enum"].([]any)
		}
		var statuses, names []any
		for _, s := range vouch.InquiryStatuses {
			statuses = append(statuses, string(s))
		}
		for _, n := range vouch.EventNames {
			names = append(names, n)
		}
		require.ElementsMatch(t, statuses, enum("InquiryStatus"), "InquiryStatus must list vouch.InquiryStatuses")
		require.ElementsMatch(t, names, enum("EventName"), "EventName must list vouch.EventNames")
	})

	t.Run("ExamplesMatchSchemas", func(t *testing.T) {
		t.Parallel()
		v := jsonSchemaValidator{doc: doc}
		components := openAPIObject(t, doc["components"], "components")
		checked := 0
		for _, kind := range []string{"requestBodies", "responses"} {
			for name, c := range openAPIObject(t, components[kind], kind) {
				content, _ := openAPIObject(t, c, name)["content"].(map[string]any)
				for mt, m := range content {
					media := openAPIObject(t, m, name+" "+mt)
					examples := map[string]any{}
					if ex, ok := media["example"]; ok {
						examples["example"] = ex
					}
					if exs, ok := media["examples"].(map[string]any); ok {
						for k, ex := range exs {
							examples[k] = openAPIDeref(t, doc, ex)["value"]
						}
					}
					for k, ex := range examples {
						require.NoError(t, v.validate(media["schema"], ex), "%s.%s %s", kind, name, k)
						checked++
					}
				}
			}
		}
		require.NotZero(t, checked)
	})
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	documented := map[string]string{} // pattern → operationId
	for _, o := range openAPIOperations(t, doc) {
		documented[o.key()], _ = o.op["operationId"].(string)
	}
	registered := map[string]string{} // pattern → handler
	for _, r := range openAPIRegisteredRoutes(t) {
		_, dup := registered[r.pattern]
		require.False(t, dup, "route %s is registered twice", r.pattern)
		registered[r.pattern] = r.handler
	}
	require.Equal(t, openAPIKeys(registered), openAPIKeys(documented),
		"the routes of api.NewHandler and the operations of %s differ", openAPIFile)
	// An operation is named after the handler that serves it, so the
	// document can be read side by side with the code.
	require.Equal(t, registered, documented, "operationId must be the handler's name")
}

func TestOpenAPIRoutesAreServed(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ops := openAPIOperations(t, doc)
	require.NotEmpty(t, ops)
	b := setup(t, api.Config{})
	v := jsonSchemaValidator{doc: doc}
	requestID := openAPIObject(t, openAPIDeref(t, doc, map[string]any{"$ref": "#/components/headers/Request-Id"})["schema"], "Request-Id schema")

	// Auth runs first on every route, so a request without a key is a 401
	// from the route itself; the fallback would answer 404 or 405.
	methods := map[string][]string{} // documented path → methods
	for _, o := range ops {
		methods[o.full] = append(methods[o.full], o.method)
		t.Run(o.method+" "+o.path, func(t *testing.T) {
			t.Parallel()
			path := openAPIPathParam.ReplaceAllString(o.full, "inq_unknown")
			res, body := b.do(t, o.method, path, "", "", nil)
			require.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s is not served: %s", o.key(), body)
			require.Equal(t, "application/json", res.Header.Get("Content-Type"))
			require.JSONEq(t, `{"errors":[{"title":"Unauthorized"}]}`, string(body))
			require.NoError(t, v.validate(openAPIResponseSchema(t, doc, o, "401"), decodeJSON(t, body)))
			require.NoError(t, v.validate(requestID, res.Header.Get("Request-Id")), "Request-Id header")
		})
	}

	// A method the document does not list for a path is the fallback's
	// 405, whose Allow header names exactly the documented methods.
	for full, ms := range methods {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
			if slices.Contains(ms, m) {
				allow = append(allow, m)
			}
		}
		if slices.Contains(ms, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if slices.Contains(ms, m) {
				continue
			}
			t.Run(m+" "+full, func(t *testing.T) {
				t.Parallel()
				res, body := b.do(t, m, openAPIPathParam.ReplaceAllString(full, "inq_unknown"), "", "", nil)
				require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, "%s %s is served but not documented: %s", m, full, body)
				require.Equal(t, strings.Join(allow, ", "), res.Header.Get("Allow"))
			})
		}
	}

	t.Run("UndocumentedPathIsNotFound", func(t *testing.T) {
		t.Parallel()
		res, _ := b.do(t, http.MethodGet, "/api/v1/reports", "", "", nil)
		require.Equal(t, http.StatusNotFound, res.StatusCode, "the probe must tell a route from the fallback")
	})
}

// openAPIGolden names the documented response each golden file is the
// body of: the operation ("METHOD path" as written in the document) and
// the status.
var openAPIGolden = map[string]struct{ op, status string }{
	"account":          {"GET /accounts/{id}", "200"},
	"account-created":  {"POST /accounts", "201"},
	"error":            {"POST /inquiries", "400"},
	"event":            {"GET /events/{id}", "200"},
	"event-list":       {"GET /events", "200"},
	"inquiry":          {"GET /inquiries/{id}", "200"},
	"inquiry-created":  {"POST /inquiries", "201"},
	"inquiry-list":     {"GET /inquiries", "200"},
	"inquiry-pending":  {"GET /inquiries/{id}", "200"},
	"session-created":  {"POST /inquiry-sessions", "201"},
	"inquiry-link":     {"POST /inquiries/{id}/generate-one-time-link", "200"},
	"session-link":     {"POST /inquiry-sessions/{id}/generate-one-time-link", "200"},
	"template":         {"GET /inquiry-templates/{id}", "200"},
	"template-version": {"GET /inquiry-template-versions/{id}", "200"},
	"verification":     {"GET /verifications/{id}", "200"},
}

func TestOpenAPIGoldenFiles(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ops := map[string]openAPIOperation{}
	for _, o := range openAPIOperations(t, doc) {
		ops[o.method+" "+o.path] = o
	}
	v := jsonSchemaValidator{doc: doc}
	for file, where := range openAPIGolden {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			o, ok := ops[where.op]
			require.True(t, ok, "%s is not documented", where.op)
			raw, err := os.ReadFile(filepath.Join("testdata", file+".golden.json"))
			require.NoError(t, err)
			require.NoError(t, v.validate(openAPIResponseSchema(t, doc, o, where.status), decodeJSON(t, raw)),
				"%s does not match the %s response of %s", file, where.status, where.op)
		})
	}

	t.Run("EveryGoldenFileIsChecked", func(t *testing.T) {
		t.Parallel()
		files, err := filepath.Glob(filepath.Join("testdata", "*.golden.json"))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".golden.json")
			_, ok := openAPIGolden[name]
			require.True(t, ok, "%s needs a line in openAPIGolden", f)
		}
	})
}

// openAPIKeys returns the keys of m in order.
func openAPIKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jsonSchemaValidator checks decoded JSON against the document's schemas. It
// implements the subset of JSON Schema 2020-12 the document uses; any other
// keyword is an error, so a schema can never be checked less than it says.
type jsonSchemaValidator struct {
	doc map[string]any
}

// jsonSchemaAnnotations are keywords that do not constrain a value.
var jsonSchemaAnnotations = map[string]bool{
	"description": true, "example": true, "examples": true, "default": true,
	"deprecated": true, "format": true, "title": true,
}

// validate reports the first way value fails schema, or nil.
func (v jsonSchemaValidator) validate(schema, value any) error {
	return v.check(schema, value, "")
}

func (v jsonSchemaValidator) check(schema, value any, at string) error {
	s, ok := schema.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: schema is %T, not an object", at, schema)
	}
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the same failure every time
	for _, k := range keys {
		if err := v.keyword(s, k, value, at); err != nil {
			return err
		}
	}
	return nil
}

// keyword checks one keyword of s against value.
func (v jsonSchemaValidator) keyword(s map[string]any, k string, value any, at string) error {
	kw := s[k]
	objValue, isObj := value.(map[string]any)
	arrValue, isArr := value.([]any)
	strValue, isStr := value.(string)
	numValue, isNum := value.(float64)
	switch k {
	case "$ref":
		target, ok := openAPIResolve(v.doc, kw.(string))
		if !ok {
			return fmt.Errorf("%s: unresolved $ref %v", at, kw)
		}
		return v.check(target, value, at)
	case "type":
		types, ok := kw.([]any)
		if !ok {
			types = []any{kw}
		}
		for _, ty := range types {
			if jsonSchemaTypeIs(ty.(string), value) {
				return nil
			}
		}
		return fmt.Errorf("%s: %s is not of type %v", at, shortJSON(value), kw)
	case "const":
		if !reflect.DeepEqual(kw, value) {
			return fmt.Errorf("%s: %s is not %v", at, shortJSON(value), kw)
		}
	case "enum":
		if !slices.ContainsFunc(kw.([]any), func(e any) bool { return reflect.DeepEqual(e, value) }) {
			return fmt.Errorf("%s: %s is not one of %v", at, shortJSON(value), kw)
		}
	case "required":
		for _, name := range kw.([]any) {
			if _, ok := objValue[name.(string)]; isObj && !ok {
				return fmt.Errorf("%s: required member %q is missing", at, name)
			}
		}
	case "properties":
		for name, sub := range kw.(map[string]any) {
			if pv, ok := objValue[name]; isObj && ok {
				if err := v.check(sub, pv, at+"/"+name); err != nil {
					return err
				}
			}
		}
	case "additionalProperties":
		props, _ := s["properties"].(map[string]any)
		for name, pv := range objValue {
			if _, declared := props[name]; declared {
				continue
			}
			switch kw {
			case true:
				continue
			case false:
				return fmt.Errorf("%s: member %q is not documented", at, name)
			}
			if err := v.check(kw, pv, at+"/"+name); err != nil {
				return err
			}
		}
	case "items":
		for i, e := range arrValue {
			if err := v.check(kw, e, at+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	case "minItems", "maxItems":
		if n := float64(len(arrValue)); isArr && (k == "minItems" && n < kw.(float64) || k == "maxItems" && n > kw.(float64)) {
			return fmt.Errorf("%s: %d items break %s %v", at, len(arrValue), k, kw)
		}
	case "minLength", "maxLength":
		if n := float64(utf8.RuneCountInString(strValue)); isStr && (k == "minLength" && n < kw.(float64) || k == "maxLength" && n > kw.(float64)) {
			return fmt.Errorf("%s: %q breaks %s %v", at, strValue, k, kw)
		}
	case "pattern":
		if isStr && !regexp.MustCompile(kw.(string)).MatchString(strValue) {
			return fmt.Errorf("%s: %q does not match %s", at, strValue, kw)
		}
	case "minimum", "maximum":
		if isNum && (k == "minimum" && numValue < kw.(float64) || k == "maximum" && numValue > kw.(float64)) {
			return fmt.Errorf("%s: %v breaks %s %v", at, numValue, k, kw)
		}
	case "oneOf", "anyOf", "allOf":
		var errs []string
		for _, sub := range kw.([]any) {
			if err := v.check(sub, value, at); err != nil {
				errs = append(errs, err.Error())
			}
		}
		subs := len(kw.([]any))
		switch matched := subs - len(errs); {
		case k == "oneOf" && matched != 1:
			return fmt.Errorf("%s: %s matches %d of oneOf (want 1): %v", at, shortJSON(value), matched, errs)
		case k == "anyOf" && matched == 0, k == "allOf" && matched != subs:
			return fmt.Errorf("%s: %s fails %s: %v", at, shortJSON(value), k, errs)
		}
	default:
		if !jsonSchemaAnnotations[k] {
			return fmt.Errorf("%s: schema keyword %q is not supported by this test", at, k)
		}
	}
	return nil
}

// jsonSchemaTypeIs reports whether value, decoded by encoding/json, is of the
// JSON Schema type ty.
func jsonSchemaTypeIs(ty string, value any) bool {
	switch x := value.(type) {
	case nil:
		return ty == "null"
	case bool:
		return ty == "boolean"
	case string:
		return ty == "string"
	case float64:
		return ty == "number" || ty == "integer" && x == math.Trunc(x)
	case []any:
		return ty == "array"
	case map[string]any:
		return ty == "object"
	}
	return false
}

// shortJSON renders a value for an error message.
func shortJSON(value any) string {
	b, _ := json.Marshal(value)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}
