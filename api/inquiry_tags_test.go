// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vouch-id/vouch"
)

// TestInquiryTags covers add-tag, remove-tag and set-tags on the fixture
// inquiry, which starts with the tags ["vip"].
func TestInquiryTags(t *testing.T) {
	t.Parallel()
	const base = "/api/v1/inquiries/{inq}/"
	tooMany := `"` + strings.Repeat(`t","`, vouch.MaxTags) + `t"`
	run(t, []scenario{
		{name: "Add", method: http.MethodPost, path: base + "add-tag",
			body: `{"meta":{"tag-name":"manual-review"}}`, status: 200,
			json: map[string]any{"data.id": "{inq}", "data.attributes.tags": []string{"vip", "manual-review"}}},
		{name: "AddTwiceKeepsOne", method: http.MethodPost, path: base + "add-tag",
			body: `{"meta":{"tag-name":"vip"}}`, status: 200,
			json: map[string]any{"data.attributes.tags": []string{"vip"}}},
		{name: "AddCamelCase", method: http.MethodPost, path: base + "add-tag",
			body: `{"meta":{"tagName":"new"}}`, status: 200,
			json: map[string]any{"data.attributes.tags": []string{"vip", "new"}}},
		{name: "Remove", method: http.MethodPost, path: base + "remove-tag",
			body: `{"meta":{"tag-name":"vip"}}`, status: 200,
			json: map[string]any{"data.attributes.tags": []string{}}},
		{name: "RemoveAbsentChangesNothing", method: http.MethodPost, path: base + "remove-tag",
			body: `{"meta":{"tag-name":"other"}}`, status: 200,
			json: map[string]any{"data.attributes.tags": []string{"vip"}}},
		{name: "Set", method: http.MethodPost, path: base + "set-tags",
			body: `{"meta":{"tag-name":["a","b"]}}`, status: 200,
			json: map[string]any{"data.attributes.tags": []string{"a", "b"}}},
		{name: "SetEmpty", method: http.MethodPost, path: base + "set-tags",
			body: `{"meta":{"tag-name":[]}}`, status: 200,
			json: map[string]any{"data.attributes.tags": []string{}}},
		{name: "AnyStatus", method: http.MethodPost, path: base + "add-tag", prepare: approved,
			body: `{"meta":{"tag-name":"done"}}`, status: 200,
			json: map[string]any{"data.attributes.status": "approved", "data.attributes.tags": []string{"vip", "done"}}},
		{name: "MissingName", method: http.MethodPost, path: base + "add-tag", body: `{"meta":{}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"meta.tag-name is required.","source":{"pointer":"/meta/tag-name"}}]}`},
		{name: "EmptyBody", method: http.MethodPost, path: base + "remove-tag",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body must be a JSON object."}]}`},
		{name: "EmptyName", method: http.MethodPost, path: base + "add-tag", body: `{"meta":{"tag-name":""}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"each tag must be 1 to ` + strconv.Itoa(vouch.MaxTagLength) + ` characters","source":{"pointer":"/meta/tag-name"}}]}`},
		{name: "NameNotAString", method: http.MethodPost, path: base + "add-tag", body: `{"meta":{"tag-name":["a"]}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"tag-name must be a string.","source":{"pointer":"/meta/tag-name"}}]}`},
		{name: "SetNotAList", method: http.MethodPost, path: base + "set-tags", body: `{"meta":{"tag-name":"a"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"tag-name must be an array.","source":{"pointer":"/meta/tag-name"}}]}`},
		{name: "SetMissing", method: http.MethodPost, path: base + "set-tags", body: `{"meta":{}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"meta.tag-name must be a list of tag names.","source":{"pointer":"/meta/tag-name"}}]}`},
		{name: "SetTooMany", method: http.MethodPost, path: base + "set-tags", body: `{"meta":{"tag-name":[` + tooMany + `]}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"at most ` + strconv.Itoa(vouch.MaxTags) + ` tags are allowed","source":{"pointer":"/meta/tag-name"}}]}`},
		{name: "TagID", method: http.MethodPost, path: base + "add-tag", body: `{"meta":{"tag-id":"tag_1"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Vouch's tags have no ids: name the tag in meta.tag-name.","source":{"pointer":"/meta/tag-id"}}]}`},
		{name: "UnknownMeta", method: http.MethodPost, path: base + "add-tag", body: `{"meta":{"tag-name":"a","color":"red"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"color\".","source":{"pointer":"/meta/color"}}]}`},
		{name: "Redacted", method: http.MethodPost, path: base + "set-tags", prepare: redacted,
			body:   `{"meta":{"tag-name":["x"]}}`,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Inquiry {inq} has been redacted."}]}`},
		{name: "NotFound", method: http.MethodPost, path: "/api/v1/inquiries/{prod_inq}/add-tag",
			body:   `{"meta":{"tag-name":"x"}}`,
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {prod_inq} not found."}]}`},
	})
}
