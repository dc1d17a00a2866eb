// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vouch-id/vouch"
)

const verificationColumns = `id, environment, inquiry_id, type, status, attempt, country_code,
	checks, sealed_data, blobs, created_at, submitted_at, completed_at, redacted_at`

// verificationValues returns the arguments for verificationColumns. Data
// is deliberately absent: only SealedData is stored.
func verificationValues(v *vouch.Verification) ([]any, error) {
	checks, err := jsonText(v.Checks)
	if err != nil {
		return nil, fmt.Errorf("verification checks: %w", err)
	}
	blobs, err := jsonText(v.Blobs)
	if err != nil {
		return nil, fmt.Errorf("verification blobs: %w", err)
	}
	return []any{v.ID, string(v.Environment), v.InquiryID, string(v.Type), string(v.Status), v.Attempt, v.CountryCode,
		checks, blob(v.SealedData), blobs, micros(v.CreatedAt), nullMicros(v.SubmittedAt),
		nullMicros(v.CompletedAt), nullMicros(v.RedactedAt)}, nil
}

// scanVerification reads one row of verificationColumns.
func scanVerification(sc scanner) (*vouch.Verification, error) {
	var (
		v                          vouch.Verification
		env, typ, status           string
		checks, blobs              string
		createdAt                  int64
		submitted, completed, reda sql.NullInt64
	)
	err := sc.Scan(&v.ID, &env, &v.InquiryID, &typ, &status, &v.Attempt, &v.CountryCode,
		&checks, &v.SealedData, &blobs, &createdAt, &submitted, &completed, &reda)
	if err != nil {
		return nil, err
	}
	v.Environment = vouch.Environment(env)
	v.Type = vouch.VerificationType(typ)
	v.Status = vouch.VerificationStatus(status)
	if err := fromJSON(checks, &v.Checks, "verification checks"); err != nil {
		return nil, err
	}
	if err := fromJSON(blobs, &v.Blobs, "verification blobs"); err != nil {
		return nil, err
	}
	v.SealedData = fromBlob(v.SealedData)
	v.CreatedAt = fromMicros(createdAt)
	v.SubmittedAt, v.CompletedAt, v.RedactedAt = fromNullMicros(submitted), fromNullMicros(completed), fromNullMicros(reda)
	return &v, nil
}

// VerificationInsert implements vouch.Tx. The inquiry must exist (EINVALID).
func (t *Tx) VerificationInsert(ctx context.Context, v *vouch.Verification) error {
	if err := checkEnv(v.Environment); err != nil {
		return err
	}
	vals, err := verificationValues(v)
	if err != nil {
		return err
	}
	return t.insert(ctx, "Verification", v.ID, "INSERT INTO verifications ("+verificationColumns+
		") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", vals...)
}

// VerificationGetByID implements vouch.Tx.
func (t *Tx) VerificationGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Verification, error) {
	row := t.queryRow(ctx, "SELECT "+verificationColumns+" FROM verifications WHERE environment = ? AND id = ?", string(env), id)
	v, err := scanVerification(row)
	if err != nil {
		return nil, t.getErr(err, "Verification", id)
	}
	return v, nil
}

// VerificationUpdate implements vouch.Tx. The inquiry, type, environment
// and creation time never change.
func (t *Tx) VerificationUpdate(ctx context.Context, v *vouch.Verification) error {
	checks, err := jsonText(v.Checks)
	if err != nil {
		return fmt.Errorf("verification checks: %w", err)
	}
	blobs, err := jsonText(v.Blobs)
	if err != nil {
		return fmt.Errorf("verification blobs: %w", err)
	}
	return t.update(ctx, "Verification", v.ID, `UPDATE verifications SET status = ?, attempt = ?,
		country_code = ?, checks = ?, sealed_data = ?, blobs = ?, submitted_at = ?,
		completed_at = ?, redacted_at = ? WHERE environment = ? AND id = ?`,
		string(v.Status), v.Attempt, v.CountryCode, checks, blob(v.SealedData), blobs,
		nullMicros(v.SubmittedAt), nullMicros(v.CompletedAt), nullMicros(v.RedactedAt),
		string(v.Environment), v.ID)
}

// VerificationListByInquiry implements vouch.Tx.
func (t *Tx) VerificationListByInquiry(ctx context.Context, env vouch.Environment, inquiryIDs ...string) ([]*vouch.Verification, error) {
	if len(inquiryIDs) == 0 {
		return nil, nil
	}
	var w where
	w.add("environment = ?", string(env))
	w.in("inquiry_id", inquiryIDs)
	return all(ctx, t, "verifications", "SELECT "+verificationColumns+" FROM verifications"+w.String()+
		" ORDER BY created_at ASC, id ASC", w.args, scanVerification)
}
