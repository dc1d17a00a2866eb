// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// configJSON is a valid template configuration in the API's casing.
const configJSON = `{"steps":[{"name":"start","type":"start"},{"name":"id","type":"government_id","id-classes":["pp"]},{"name":"done","type":"completion"}],"expiry":{"after-create-seconds":3600}}`

func TestTemplates(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "Create", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"type":"inquiry-template","attributes":{"name":"Onboarding","configuration":` + configJSON + `}}}`,
			status: 201,
			json: map[string]any{
				"data.type":                     "inquiry-template",
				"data.attributes.name":          "Onboarding",
				"data.attributes.status":        "active",
				"included.0.type":               "inquiry-template-version",
				"included.0.attributes.version": 1,
				"included.0.attributes.configuration.steps.1.id-classes":          []string{"pp"},
				"included.0.attributes.configuration.expiry.after-create-seconds": 3600,
			},
			present: []string{"data.relationships.latest-published-version.data.id"}},
		{name: "CreateLegacy", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"attributes":{"name":"Old","legacy":true,"configuration":` + configJSON + `}}}`,
			status: 201, json: map[string]any{"data.type": "template", "included.0.relationships.inquiry-template.data.type": "template"}},
		{name: "Get", method: http.MethodGet, path: "/api/v1/inquiry-templates/{tmpl}", status: 200,
			json: map[string]any{"data.id": "{tmpl}", "data.relationships.latest-published-version.data.id": "{tmplv}", "included.0.id": "{tmplv}"}},
		{name: "GetLegacy", method: http.MethodGet, path: "/api/v1/inquiry-templates/{legacy}", status: 200,
			json: map[string]any{"data.type": "template"}},
		{name: "List", method: http.MethodGet, path: "/api/v1/inquiry-templates?page[size]=1", status: 200,
			json:    map[string]any{"data.0.id": "{legacy}", "links.prev": nil},
			present: []string{"links.next"}, count: map[string]int{"data": 1}},
		{name: "ListNextPage", method: http.MethodGet, path: "/api/v1/inquiry-templates?page[after]={legacy}", status: 200,
			json: map[string]any{"data.0.id": "{tmpl}", "links.next": nil}, count: map[string]int{"data": 1}},
		{name: "Publish", method: http.MethodPost, path: "/api/v1/inquiry-templates/{tmpl}/publish",
			body:   `{"data":{"attributes":{"configuration":` + configJSON + `}}}`,
			status: 201, json: map[string]any{"included.0.attributes.version": 2, "included.0.relationships.inquiry-template.data.id": "{tmpl}"}},
		{name: "PublishBlockingClientSideCreation", method: http.MethodPost, path: "/api/v1/inquiry-templates/{tmpl}/publish",
			body: `{"data":{"attributes":{"configuration":{"steps":[{"name":"start","type":"start"}],` +
				`"block-client-side-inquiry-creation":true}}}}`,
			status: 201, json: map[string]any{"included.0.attributes.configuration.block-client-side-inquiry-creation": true}},
		{name: "Deactivate", method: http.MethodPost, path: "/api/v1/inquiry-templates/{tmpl}/deactivate", status: 200,
			json: map[string]any{"data.attributes.status": "inactive"}},
		{name: "Activate", method: http.MethodPost, path: "/api/v1/inquiry-templates/{tmpl}/activate", body: `{}`,
			prepare: func(t *testing.T, b *bundle) {
				_, err := b.svc.DeactivateTemplate(context.Background(), vouch.Sandbox, b.fx.template)
				require.NoError(t, err)
			},
			status: 200, json: map[string]any{"data.attributes.status": "active"}},
		{name: "InactiveTemplateStillServesTheAPI", method: http.MethodPost, path: "/api/v1/inquiries",
			prepare: func(t *testing.T, b *bundle) {
				_, err := b.svc.DeactivateTemplate(context.Background(), vouch.Sandbox, b.fx.template)
				require.NoError(t, err)
			},
			body:   `{"data":{"attributes":{"inquiry-template-id":"{tmpl}"}}}`,
			status: 201, events: []string{"inquiry.created"}},
		{name: "GetVersion", method: http.MethodGet, path: "/api/v1/inquiry-template-versions/{tmplv}", status: 200,
			json: map[string]any{"data.type": "inquiry-template-version", "data.attributes.status": "published",
				"data.attributes.configuration.fields.2": map[string]any{"key": "age", "type": "integer"}}},

		{name: "NoSteps", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"attributes":{"name":"x","configuration":{"steps":[]}}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"a template needs at least one step","source":{"pointer":"/data/attributes/configuration/steps"}}]}`},
		{name: "NoConfiguration", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"attributes":{"name":"x"}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"configuration is required.","source":{"pointer":"/data/attributes/configuration"}}]}`},
		{name: "NoName", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"attributes":{"configuration":` + configJSON + `}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"name must be 1 to 200 characters.","source":{"pointer":"/data/attributes/name"}}]}`},
		{name: "UnknownConfigurationKey", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"attributes":{"name":"x","configuration":{"steps":[{"name":"a","type":"start","colour":"red"}]}}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"colour\".","source":{"pointer":"/data/attributes/configuration/steps/0/colour"}}]}`},
		{name: "BadStepType", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"attributes":{"name":"x","configuration":{"steps":[{"name":"a","type":"dance"}]}}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"step \"a\" has unknown type \"dance\"","source":{"pointer":"/data/attributes/configuration/steps"}}]}`},
		{name: "WrongType", method: http.MethodPost, path: "/api/v1/inquiry-templates",
			body:   `{"data":{"type":"inquiry","attributes":{"name":"x","configuration":` + configJSON + `}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"data.type must be inquiry-template.","source":{"pointer":"/data/type"}}]}`},
		{name: "PublishInvalid", method: http.MethodPost, path: "/api/v1/inquiry-templates/{tmpl}/publish",
			body:   `{"data":{"attributes":{"configuration":{"steps":[{"name":"a","type":"start"}],"allowed-origins":["ftp://x"]}}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"\"ftp://x\" is not an origin (scheme://host[:port])","source":{"pointer":"/data/attributes/configuration/allowed-origins"}}]}`},
		{name: "PublishUnknown", method: http.MethodPost, path: "/api/v1/inquiry-templates/itmpl_missing/publish",
			body:   `{"data":{"attributes":{"configuration":` + configJSON + `}}}`,
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Template itmpl_missing not found."}]}`},
		{name: "PublishWithoutConfiguration", method: http.MethodPost, path: "/api/v1/inquiry-templates/{tmpl}/publish",
			body:   `{"data":{"attributes":{}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"configuration is required.","source":{"pointer":"/data/attributes/configuration"}}]}`},
		{name: "GetOtherEnvironment", method: http.MethodGet, path: "/api/v1/inquiry-templates/{prod_tmpl}",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Template {prod_tmpl} not found."}]}`},
		{name: "ActivateUnknown", method: http.MethodPost, path: "/api/v1/inquiry-templates/{inq}/activate",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Template {inq} not found."}]}`},
		{name: "ActivateWithBody", method: http.MethodPost, path: "/api/v1/inquiry-templates/{tmpl}/activate",
			body:   `{"data":{}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"data\".","source":{"pointer":"/data"}}]}`},
		{name: "ListBackwards", method: http.MethodGet, path: "/api/v1/inquiry-templates?page[before]={tmpl}",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Templates can only be paged forwards, with page[after].","source":{"parameter":"page[before]"}}]}`},
		{name: "ListFilter", method: http.MethodGet, path: "/api/v1/inquiry-templates?filter[name]=x",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown query parameter filter[name].","source":{"parameter":"filter[name]"}}]}`},
		{name: "GetVersionUnknown", method: http.MethodGet, path: "/api/v1/inquiry-template-versions/itmplv_missing",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Template version itmplv_missing not found."}]}`},
	})
}
