// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var testSchema = []FieldSchema{
	{Key: "name_first", Type: FieldString},
	{Key: "birthdate", Type: FieldDate},
	{Key: "score", Type: FieldInteger},
	{Key: "ratio", Type: FieldNumber},
	{Key: "is_vip", Type: FieldBoolean},
	{Key: "color", Type: FieldChoices, Choices: []string{"red", "blue"}},
	{Key: "tags", Type: FieldMultiChoices, Choices: []string{"a", "b"}},
	{Key: "seen_at", Type: FieldDatetime},
	{Key: "address_street_1", Type: FieldString, MaxLength: 5},
}

func TestCoerceFields(t *testing.T) {
	t.Parallel()
	got, err := CoerceFields(testSchema, map[string]any{
		"name-first": "Jane", "birthdate": "1990-01-31T00:00:00.000Z", "score": "7",
		"ratio": 1.5, "isVip": "true", "color": "red", "tags": []any{"a", "b"},
		"seen_at": "2024-02-15T23:48:17.732+01:00", "addressStreet1": "1 Ma",
	})
	require.NoError(t, err)
	require.Equal(t, Fields{
		"name_first":       {Type: FieldString, Value: "Jane"},
		"birthdate":        {Type: FieldDate, Value: "1990-01-31"},
		"score":            {Type: FieldInteger, Value: int64(7)},
		"ratio":            {Type: FieldNumber, Value: 1.5},
		"is_vip":           {Type: FieldBoolean, Value: true},
		"color":            {Type: FieldChoices, Value: "red"},
		"tags":             {Type: FieldMultiChoices, Value: []string{"a", "b"}},
		"seen_at":          {Type: FieldDatetime, Value: "2024-02-15T22:48:17.732Z"},
		"address_street_1": {Type: FieldString, Value: "1 Ma"},
	}, got)
}

func TestCoerceFields_Errors(t *testing.T) {
	t.Parallel()
	bad := []map[string]any{
		{"unknown": "x"},
		{"score": "7.5"},
		{"score": "seven"},
		{"birthdate": "31/01/1990"},
		{"is_vip": "maybe"},
		{"color": "green"},
		{"tags": []any{"a", "z"}},
		{"name_first": 3},
		{"address_street_1": "too long"},
		{"seen_at": "yesterday"},
	}
	for _, in := range bad {
		_, err := CoerceFields(testSchema, in)
		require.Error(t, err, "%v", in)
		require.Equal(t, EINVALID, ErrorCode(err), "%v", in)
	}
}

func TestNormalizeFieldKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"nameFirst", "name-first", "name_first", "NAME_FIRST"} {
		require.Equal(t, "namefirst", NormalizeFieldKey(k))
	}
}

func TestTemplateConfig_Validate(t *testing.T) {
	t.Parallel()
	ok := TemplateConfig{
		Steps: []Step{
			{Name: "start", Type: StepStart},
			{Name: "about", Type: StepForm, Fields: []string{"name_first"}},
			{Name: "id", Type: StepGovernmentID, IDClasses: []string{"dl", "pp"}, Countries: []string{"US"}},
			{Name: "selfie", Type: StepSelfie, Capture: SelfieProfileAndCenter},
			{Name: "done", Type: StepCompletion},
		},
		Fields:         []FieldSchema{{Key: "name_first", Type: FieldString}},
		AllowedOrigins: []string{"https://example.com", "http://localhost:3000"},
	}
	require.NoError(t, ok.Validate())
	mutations := []func(c *TemplateConfig){
		func(c *TemplateConfig) { c.Steps = nil },
		func(c *TemplateConfig) { c.Steps[1].Fields = []string{"nope"} },
		func(c *TemplateConfig) { c.Steps[2].IDClasses = []string{"xx"} },
		func(c *TemplateConfig) { c.Steps[2].Countries = []string{"usa"} },
		func(c *TemplateConfig) { c.Steps[3].Capture = "left" },
		func(c *TemplateConfig) { c.Steps[4].Name = "start" },
		func(c *TemplateConfig) { c.Steps[4].Type = "dance" },
		func(c *TemplateConfig) { c.AllowedOrigins = []string{"https://example.com/path"} },
		func(c *TemplateConfig) { c.Fields = append(c.Fields, c.Fields[0]) },
		func(c *TemplateConfig) { c.Fields[0].Type = "blob" },
		func(c *TemplateConfig) { c.Expiry.AfterCreateSeconds = -1 },
		func(c *TemplateConfig) { c.RedirectURI = "not a uri" },
	}
	for i, m := range mutations {
		c := ok
		c.Steps = append([]Step(nil), ok.Steps...)
		c.Fields = append([]FieldSchema(nil), ok.Fields...)
		m(&c)
		require.Equal(t, EINVALID, ErrorCode(c.Validate()), "mutation %d", i)
	}
}
