// SPDX-License-Identifier: Apache-2.0

// Package templatefile reads inquiry templates written as YAML (or JSON)
// files and applies them: it creates a template the first time and
// publishes a new version when the file changes, so templates can live in
// a repository and be deployed like code. The format is documented in
// docs/templates.md.
package templatefile

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"

	"sigs.k8s.io/yaml"

	"github.com/vouch-id/vouch"
)

// File is the content of one template file.
type File struct {
	// Name identifies the template within an environment: applying a file
	// whose name exists publishes a new version of that template.
	Name string `json:"name"`
	// Legacy makes a tmpl_ template with the legacy flow semantics.
	Legacy bool `json:"legacy,omitempty"`
	// Environments lists where to apply the file (default: both).
	Environments  []vouch.Environment  `json:"environments,omitempty"`
	Configuration vouch.TemplateConfig `json:"configuration"`
}

//go:embed demo.yaml
var demoYAML []byte

// Demo returns the bundled demo template: name and birthdate fields, a
// government ID and a selfie.
func Demo() (*File, error) { return Parse(demoYAML) }

// Parse decodes and validates a template file. Unknown keys are errors, so
// a typo never silently drops a setting.
func Parse(b []byte) (*File, error) {
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, fmt.Errorf("template file is not valid YAML or JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("template file: %w", err)
	}
	if f.Name == "" {
		return nil, fmt.Errorf("template file: name is required")
	}
	if len(f.Environments) == 0 {
		f.Environments = vouch.Environments
	}
	for _, e := range f.Environments {
		if !e.Valid() {
			return nil, fmt.Errorf("template file: unknown environment %q", e)
		}
	}
	if err := f.Configuration.Validate(); err != nil {
		return nil, fmt.Errorf("template file: %s", vouch.ErrorMessage(err))
	}
	return &f, nil
}

// Outcome says what Apply did in one environment.
type Outcome struct {
	Environment vouch.Environment
	Template    *vouch.Template
	Version     *vouch.TemplateVersion
	// Action is "created", "published" or "unchanged".
	Action string
}

// Apply creates or updates the file's template in each of its
// environments. Applying the same file twice changes nothing.
func Apply(ctx context.Context, svc *vouch.Service, f *File) ([]Outcome, error) {
	var out []Outcome
	for _, env := range f.Environments {
		o, err := applyOne(ctx, svc, env, f)
		if err != nil {
			return out, fmt.Errorf("%s: %w", env, err)
		}
		out = append(out, o)
	}
	return out, nil
}

func applyOne(ctx context.Context, svc *vouch.Service, env vouch.Environment, f *File) (Outcome, error) {
	existing, err := findByName(ctx, svc, env, f.Name, f.Legacy)
	if err != nil {
		return Outcome{}, err
	}
	if existing == nil {
		t, v, err := svc.CreateTemplate(ctx, env, f.Name, f.Legacy, f.Configuration)
		return Outcome{Environment: env, Template: t, Version: v, Action: "created"}, err
	}
	latest, err := svc.FindTemplateVersionByID(ctx, env, existing.LatestVersionID)
	if err != nil {
		return Outcome{}, err
	}
	if reflect.DeepEqual(normalize(latest.Config), normalize(f.Configuration)) {
		return Outcome{Environment: env, Template: existing, Version: latest, Action: "unchanged"}, nil
	}
	t, v, err := svc.PublishTemplateVersion(ctx, env, existing.ID, f.Configuration)
	return Outcome{Environment: env, Template: t, Version: v, Action: "published"}, err
}

// normalize round-trips a config through JSON so nil and empty slices
// compare equal.
func normalize(c vouch.TemplateConfig) map[string]any {
	b, _ := json.Marshal(c) // plain struct: cannot fail
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// findByName pages through the environment's templates for one named name.
func findByName(ctx context.Context, svc *vouch.Service, env vouch.Environment, name string, legacy bool) (*vouch.Template, error) {
	f := vouch.TemplateFilter{Environment: env, Limit: 100}
	for {
		list, more, err := svc.FindTemplates(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, t := range list {
			if t.Name == name && t.Legacy == legacy {
				return t, nil
			}
		}
		if !more || len(list) == 0 {
			return nil, nil
		}
		f.After = list[len(list)-1].ID
	}
}
