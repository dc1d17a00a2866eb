// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
	"strings"
)

// MaxTemplateNameLength bounds a template's display name.
const MaxTemplateNameLength = 200

// CreateTemplate creates an active template with its first published
// version. Legacy templates get a tmpl_ id, others itmpl_.
func (s *Service) CreateTemplate(ctx Context, env Environment, name string, legacy bool, cfg TemplateConfig) (*Template, *TemplateVersion, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > MaxTemplateNameLength {
		return nil, nil, FieldError("name", "name must be 1 to %d characters.", MaxTemplateNameLength)
	}
	if !env.Valid() {
		return nil, nil, FieldError("environment", "Unknown environment %q.", env)
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	prefix := PrefixTemplate
	if legacy {
		prefix = PrefixLegacyTemplate
	}
	now := s.now()
	t := &Template{ID: NewID(prefix), Environment: env, Name: name, Legacy: legacy,
		Status: TemplateActive, CreatedAt: now, UpdatedAt: now}
	v := &TemplateVersion{ID: NewID(PrefixTemplateVersion), TemplateID: t.ID, Environment: env,
		Number: 1, Config: cfg, CreatedAt: now}
	t.LatestVersionID = v.ID
	err := s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.TemplateInsert(ctx, t); err != nil {
			return fmt.Errorf("insert template: %w", err)
		}
		return tx.TemplateVersionInsert(ctx, v)
	})
	if err != nil {
		return nil, nil, err
	}
	return t, v, nil
}

// PublishTemplateVersion publishes a new immutable version of a template;
// inquiries created from the template from now on are pinned to it, while
// existing inquiries keep the version they started with.
func (s *Service) PublishTemplateVersion(ctx Context, env Environment, templateID string, cfg TemplateConfig) (*Template, *TemplateVersion, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	var t *Template
	var v *TemplateVersion
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if t, err = s.getTemplate(ctx, tx, env, templateID, true); err != nil {
			return err
		}
		versions, err := tx.TemplateVersionList(ctx, env, t.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, e := range versions {
			n = max(n, e.Number)
		}
		now := s.now()
		v = &TemplateVersion{ID: NewID(PrefixTemplateVersion), TemplateID: t.ID, Environment: env,
			Number: n + 1, Config: cfg, CreatedAt: now}
		if err := tx.TemplateVersionInsert(ctx, v); err != nil {
			return err
		}
		t.LatestVersionID, t.UpdatedAt = v.ID, now
		return tx.TemplateUpdate(ctx, t)
	})
	return t, v, err
}

// ActivateTemplate allows new inquiries from the template again.
func (s *Service) ActivateTemplate(ctx Context, env Environment, id string) (*Template, error) {
	return s.setTemplateStatus(ctx, env, id, TemplateActive)
}

// DeactivateTemplate stops the hosted flow from creating inquiries from
// the template (it answers inactive_template); existing inquiries go on.
func (s *Service) DeactivateTemplate(ctx Context, env Environment, id string) (*Template, error) {
	return s.setTemplateStatus(ctx, env, id, TemplateInactive)
}

func (s *Service) setTemplateStatus(ctx Context, env Environment, id string, st TemplateStatus) (*Template, error) {
	var t *Template
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if t, err = s.getTemplate(ctx, tx, env, id, true); err != nil {
			return err
		}
		if t.Status == st {
			return nil
		}
		t.Status, t.UpdatedAt = st, s.now()
		return tx.TemplateUpdate(ctx, t)
	})
	return t, err
}

// getTemplate reads a template after checking the id's shape; with lock,
// the template stays locked until the transaction ends, which every change
// to a template takes so that two changes cannot undo one another.
func (s *Service) getTemplate(ctx Context, tx Tx, env Environment, id string, lock bool) (*Template, error) {
	if !HasIDPrefix(id, PrefixTemplate) && !HasIDPrefix(id, PrefixLegacyTemplate) {
		return nil, Errorf(ENOTFOUND, "Template %s not found.", id)
	}
	if lock {
		return tx.TemplateGetForUpdate(ctx, env, id)
	}
	return tx.TemplateGetByID(ctx, env, id)
}

// FindTemplateByID returns a template. ENOTFOUND when it does not exist.
func (s *Service) FindTemplateByID(ctx Context, env Environment, id string) (*Template, error) {
	var t *Template
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		t, err = s.getTemplate(ctx, tx, env, id, false)
		return err
	})
	return t, err
}

// FindTemplates lists templates newest first.
func (s *Service) FindTemplates(ctx Context, f TemplateFilter) ([]*Template, bool, error) {
	var list []*Template
	var more bool
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		list, more, err = tx.TemplateList(ctx, f)
		return err
	})
	return list, more, err
}

// FindTemplateVersionByID returns a published version.
func (s *Service) FindTemplateVersionByID(ctx Context, env Environment, id string) (*TemplateVersion, error) {
	if !HasIDPrefix(id, PrefixTemplateVersion) {
		return nil, Errorf(ENOTFOUND, "Template version %s not found.", id)
	}
	var v *TemplateVersion
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		v, err = tx.TemplateVersionGetByID(ctx, env, id)
		return err
	})
	return v, err
}

// FindTemplateVersions lists a template's versions.
func (s *Service) FindTemplateVersions(ctx Context, env Environment, templateID string) ([]*TemplateVersion, error) {
	var list []*TemplateVersion
	err := s.Store.View(ctx, func(tx Tx) error {
		if _, err := s.getTemplate(ctx, tx, env, templateID, false); err != nil {
			return err
		}
		var err error
		list, err = tx.TemplateVersionList(ctx, env, templateID)
		return err
	})
	return list, err
}
