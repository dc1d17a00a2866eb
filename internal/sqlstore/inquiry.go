// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vouch-id/vouch"
)

// inquiryColumns lists the inquiries columns in the order scanInquiry reads
// them and inquiryValues writes them.
const inquiryColumns = `id, environment, status, template_id, template_version_id,
	account_id, reference_id, note, tags, redirect_uri, reviewer_comment,
	current_step, previous_step, expire_after_create, expire_after_start,
	expire_after_resume, event_seq, created_at, updated_at, started_at,
	expires_at, completed_at, failed_at, marked_for_review_at, decisioned_at,
	expired_at, redacted_at, wrapped_key, sealed_fields`

// inquiryMutable lists the columns InquiryUpdate writes: all but id,
// environment and created_at.
const inquiryMutable = `status = ?, template_id = ?, template_version_id = ?,
	account_id = ?, reference_id = ?, note = ?, tags = ?, redirect_uri = ?,
	reviewer_comment = ?, current_step = ?, previous_step = ?,
	expire_after_create = ?, expire_after_start = ?, expire_after_resume = ?,
	event_seq = ?, updated_at = ?, started_at = ?, expires_at = ?,
	completed_at = ?, failed_at = ?, marked_for_review_at = ?, decisioned_at = ?,
	expired_at = ?, redacted_at = ?, wrapped_key = ?, sealed_fields = ?`

// inquiryMutableValues returns the arguments of inquiryMutable. Fields is
// deliberately absent: only SealedFields is stored.
func inquiryMutableValues(inq *vouch.Inquiry) ([]any, error) {
	tags, err := jsonText(inq.Tags)
	if err != nil {
		return nil, fmt.Errorf("inquiry tags: %w", err)
	}
	return []any{
		string(inq.Status), inq.TemplateID, inq.TemplateVersionID,
		inq.AccountID, inq.ReferenceID, inq.Note, tags, inq.RedirectURI,
		inq.ReviewerComment, inq.CurrentStep, inq.PreviousStep,
		int64(inq.ExpireAfterCreate), int64(inq.ExpireAfterStart), int64(inq.ExpireAfterResume),
		inq.EventSeq, micros(inq.UpdatedAt), nullMicros(inq.StartedAt), nullMicros(inq.ExpiresAt),
		nullMicros(inq.CompletedAt), nullMicros(inq.FailedAt), nullMicros(inq.MarkedForReviewAt), nullMicros(inq.DecisionedAt),
		nullMicros(inq.ExpiredAt), nullMicros(inq.RedactedAt), blob(inq.WrappedKey), blob(inq.SealedFields),
	}, nil
}

// scanInquiry reads one row of inquiryColumns.
func scanInquiry(sc scanner) (*vouch.Inquiry, error) {
	var (
		inq                                 vouch.Inquiry
		env, status, tags                   string
		afterCreate, afterStart, afterResum int64
		createdAt, updatedAt                int64
		started, expires, completed, failed sql.NullInt64
		review, decisioned, expired, redact sql.NullInt64
	)
	err := sc.Scan(&inq.ID, &env, &status, &inq.TemplateID, &inq.TemplateVersionID,
		&inq.AccountID, &inq.ReferenceID, &inq.Note, &tags, &inq.RedirectURI, &inq.ReviewerComment,
		&inq.CurrentStep, &inq.PreviousStep, &afterCreate, &afterStart,
		&afterResum, &inq.EventSeq, &createdAt, &updatedAt, &started,
		&expires, &completed, &failed, &review, &decisioned,
		&expired, &redact, &inq.WrappedKey, &inq.SealedFields)
	if err != nil {
		return nil, err
	}
	inq.Environment = vouch.Environment(env)
	inq.Status = vouch.InquiryStatus(status)
	if err := fromJSON(tags, &inq.Tags, "inquiry tags"); err != nil {
		return nil, err
	}
	inq.ExpireAfterCreate = time.Duration(afterCreate)
	inq.ExpireAfterStart = time.Duration(afterStart)
	inq.ExpireAfterResume = time.Duration(afterResum)
	inq.CreatedAt, inq.UpdatedAt = fromMicros(createdAt), fromMicros(updatedAt)
	inq.StartedAt, inq.ExpiresAt = fromNullMicros(started), fromNullMicros(expires)
	inq.CompletedAt, inq.FailedAt = fromNullMicros(completed), fromNullMicros(failed)
	inq.MarkedForReviewAt, inq.DecisionedAt = fromNullMicros(review), fromNullMicros(decisioned)
	inq.ExpiredAt, inq.RedactedAt = fromNullMicros(expired), fromNullMicros(redact)
	inq.WrappedKey, inq.SealedFields = fromBlob(inq.WrappedKey), fromBlob(inq.SealedFields)
	return &inq, nil
}

// InquiryInsert implements vouch.Tx.
func (t *Tx) InquiryInsert(ctx context.Context, inq *vouch.Inquiry) error {
	if err := checkEnv(inq.Environment); err != nil {
		return err
	}
	vals, err := inquiryMutableValues(inq)
	if err != nil {
		return err
	}
	args := append([]any{inq.ID, string(inq.Environment)}, vals...)
	args = append(args, micros(inq.CreatedAt))
	return t.insert(ctx, "Inquiry", inq.ID, `INSERT INTO inquiries (id, environment,
		status, template_id, template_version_id, account_id, reference_id, note, tags,
		redirect_uri, reviewer_comment, current_step, previous_step, expire_after_create,
		expire_after_start, expire_after_resume, event_seq, updated_at, started_at,
		expires_at, completed_at, failed_at, marked_for_review_at, decisioned_at,
		expired_at, redacted_at, wrapped_key, sealed_fields, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		args...)
}

// InquiryGetByID implements vouch.Tx.
func (t *Tx) InquiryGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Inquiry, error) {
	return t.inquiryGet(ctx, env, id, "")
}

// InquiryGetForUpdate implements vouch.Tx. On PostgreSQL the row stays
// locked until the transaction ends; on SQLite the single writer connection
// already excludes every other writer.
func (t *Tx) InquiryGetForUpdate(ctx context.Context, env vouch.Environment, id string) (*vouch.Inquiry, error) {
	return t.inquiryGet(ctx, env, id, t.s.d.ForUpdate)
}

func (t *Tx) inquiryGet(ctx context.Context, env vouch.Environment, id, suffix string) (*vouch.Inquiry, error) {
	row := t.queryRow(ctx, "SELECT "+inquiryColumns+" FROM inquiries WHERE environment = ? AND id = ?"+suffix, string(env), id)
	inq, err := scanInquiry(row)
	if err != nil {
		return nil, t.getErr(err, "Inquiry", id)
	}
	return inq, nil
}

// InquiryUpdate implements vouch.Tx.
func (t *Tx) InquiryUpdate(ctx context.Context, inq *vouch.Inquiry) error {
	vals, err := inquiryMutableValues(inq)
	if err != nil {
		return err
	}
	return t.update(ctx, "Inquiry", inq.ID, "UPDATE inquiries SET "+inquiryMutable+" WHERE environment = ? AND id = ?",
		append(vals, string(inq.Environment), inq.ID)...)
}

// InquiryList implements vouch.Tx.
func (t *Tx) InquiryList(ctx context.Context, f vouch.InquiryFilter) ([]*vouch.Inquiry, bool, error) {
	q := listQuery{noun: "Inquiry", table: "inquiries", columns: inquiryColumns,
		env: f.Environment, after: f.After, before: f.Before, limit: f.Limit}
	if !q.w.ids(f.IDs) {
		return nil, false, nil
	}
	if f.ReferenceID != nil {
		q.w.add("reference_id = ?", *f.ReferenceID)
	}
	if f.AccountID != nil {
		q.w.add("account_id = ?", *f.AccountID)
	}
	if f.TemplateID != nil {
		q.w.add("template_id = ?", *f.TemplateID)
	}
	statuses := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		statuses[i] = string(s)
	}
	q.w.in("status", statuses)
	if f.CreatedAfter != nil {
		q.w.add("created_at >= ?", micros(*f.CreatedAfter))
	}
	if f.CreatedBefore != nil {
		q.w.add("created_at <= ?", micros(*f.CreatedBefore))
	}
	return list(ctx, t, q, scanInquiry)
}

// inquiryDueQuery lists the open inquiries past their expiry. Its status
// condition is written exactly as the WHERE of the inquiries_due partial
// index (migration 003): both SQLite and PostgreSQL only use a partial
// index when the query's conditions imply the index's, and SQLite proves
// that by matching the term. The index's order (expires_at, id) is the
// query's, so it reads at most limit entries and sorts nothing.
const inquiryDueQuery = `SELECT id, environment FROM inquiries
	WHERE status IN ('created', 'pending') AND expires_at <= ?
	ORDER BY expires_at, id`

// InquiryListDue implements vouch.Tx.
func (t *Tx) InquiryListDue(ctx context.Context, now time.Time, limit int) ([]vouch.InquiryRef, error) {
	if limit < 1 {
		return nil, fmt.Errorf("%s: list due inquiries: limit %d is not positive", t.s.d.Name, limit)
	}
	return all(ctx, t, "due inquiries", inquiryDueQuery+limitClause(limit), []any{micros(now)},
		func(sc scanner) (vouch.InquiryRef, error) {
			var ref vouch.InquiryRef
			var env string
			err := sc.Scan(&ref.ID, &env)
			ref.Environment = vouch.Environment(env)
			return ref, err
		})
}
