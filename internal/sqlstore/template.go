// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"

	"github.com/vouch-id/vouch"
)

const templateColumns = `id, environment, name, legacy, status, latest_version_id, created_at, updated_at`

// scanTemplate reads one row of templateColumns.
func scanTemplate(sc scanner) (*vouch.Template, error) {
	var (
		tp                   vouch.Template
		env, status          string
		createdAt, updatedAt int64
	)
	if err := sc.Scan(&tp.ID, &env, &tp.Name, &tp.Legacy, &status, &tp.LatestVersionID, &createdAt, &updatedAt); err != nil {
		return nil, err
	}
	tp.Environment = vouch.Environment(env)
	tp.Status = vouch.TemplateStatus(status)
	tp.CreatedAt, tp.UpdatedAt = fromMicros(createdAt), fromMicros(updatedAt)
	return &tp, nil
}

// TemplateInsert implements vouch.Tx.
func (t *Tx) TemplateInsert(ctx context.Context, tp *vouch.Template) error {
	if err := checkEnv(tp.Environment); err != nil {
		return err
	}
	t.cache.wroteTemplates()
	return t.insert(ctx, "Template", tp.ID, "INSERT INTO templates ("+templateColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		tp.ID, string(tp.Environment), tp.Name, tp.Legacy, string(tp.Status), tp.LatestVersionID,
		micros(tp.CreatedAt), micros(tp.UpdatedAt))
}

// TemplateGetByID implements vouch.Tx.
func (t *Tx) TemplateGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Template, error) {
	return t.templateGet(ctx, env, id, "")
}

// TemplateGetForUpdate implements vouch.Tx: the row stays locked on
// PostgreSQL; SQLite's single writer already serialises writers.
func (t *Tx) TemplateGetForUpdate(ctx context.Context, env vouch.Environment, id string) (*vouch.Template, error) {
	return t.templateGet(ctx, env, id, t.s.d.ForUpdate)
}

func (t *Tx) templateGet(ctx context.Context, env vouch.Environment, id, suffix string) (*vouch.Template, error) {
	if tp, ok := t.cache.template(env, id); ok {
		return tp, nil
	}
	row := t.queryRow(ctx, "SELECT "+templateColumns+" FROM templates WHERE environment = ? AND id = ?"+suffix, string(env), id)
	tp, err := scanTemplate(row)
	if err != nil {
		return nil, t.getErr(err, "Template", id)
	}
	t.cache.putTemplate(tp)
	return tp, nil
}

// TemplateUpdate implements vouch.Tx. The id, environment and creation time
// never change.
func (t *Tx) TemplateUpdate(ctx context.Context, tp *vouch.Template) error {
	t.cache.wroteTemplates()
	return t.update(ctx, "Template", tp.ID, `UPDATE templates SET name = ?, legacy = ?, status = ?,
		latest_version_id = ?, updated_at = ? WHERE environment = ? AND id = ?`,
		tp.Name, tp.Legacy, string(tp.Status), tp.LatestVersionID, micros(tp.UpdatedAt),
		string(tp.Environment), tp.ID)
}

// TemplateList implements vouch.Tx.
func (t *Tx) TemplateList(ctx context.Context, f vouch.TemplateFilter) ([]*vouch.Template, bool, error) {
	q := listQuery{noun: "Template", table: "templates", columns: templateColumns,
		env: f.Environment, after: f.After, limit: f.Limit}
	return list(ctx, t, q, scanTemplate)
}

const templateVersionColumns = `id, template_id, environment, number, config, created_at`

// scanTemplateVersion reads one row of templateVersionColumns.
func scanTemplateVersion(sc scanner) (*vouch.TemplateVersion, error) {
	var (
		v           vouch.TemplateVersion
		env, config string
		createdAt   int64
	)
	if err := sc.Scan(&v.ID, &v.TemplateID, &env, &v.Number, &config, &createdAt); err != nil {
		return nil, err
	}
	v.Environment = vouch.Environment(env)
	if err := fromJSON(config, &v.Config, "template config"); err != nil {
		return nil, err
	}
	v.CreatedAt = fromMicros(createdAt)
	return &v, nil
}

// TemplateVersionInsert implements vouch.Tx. A second version with the same
// number for one template is ECONFLICT.
func (t *Tx) TemplateVersionInsert(ctx context.Context, v *vouch.TemplateVersion) error {
	if err := checkEnv(v.Environment); err != nil {
		return err
	}
	config, err := jsonText(v.Config)
	if err != nil {
		return err
	}
	return t.insert(ctx, "Template version", v.ID, "INSERT INTO template_versions ("+templateVersionColumns+") VALUES (?, ?, ?, ?, ?, ?)",
		v.ID, v.TemplateID, string(v.Environment), v.Number, config, micros(v.CreatedAt))
}

// TemplateVersionGetByID implements vouch.Tx.
func (t *Tx) TemplateVersionGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.TemplateVersion, error) {
	row := t.queryRow(ctx, "SELECT "+templateVersionColumns+" FROM template_versions WHERE environment = ? AND id = ?", string(env), id)
	v, err := scanTemplateVersion(row)
	if err != nil {
		return nil, t.getErr(err, "Template version", id)
	}
	return v, nil
}

// TemplateVersionList implements vouch.Tx: the template's versions by
// number, oldest first; none for an unknown template.
func (t *Tx) TemplateVersionList(ctx context.Context, env vouch.Environment, templateID string) ([]*vouch.TemplateVersion, error) {
	return all(ctx, t, "template_versions", "SELECT "+templateVersionColumns+
		" FROM template_versions WHERE environment = ? AND template_id = ? ORDER BY number ASC",
		[]any{string(env), templateID}, scanTemplateVersion)
}
