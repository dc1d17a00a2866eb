-- SPDX-License-Identifier: Apache-2.0
--
-- The expiry sweep looks every second for open (created or pending)
-- inquiries whose expires_at has passed. expires_at stays set once an
-- inquiry is completed, decided or expired (the API still shows it), so
-- inquiries_expires_at holds every inquiry ever made and a range scan over
-- it would walk the whole history on each sweep. This partial index holds
-- open inquiries only, in the sweep's order; nothing else read the old one.
-- The WHERE must stay exactly as the sweep's query writes it (see
-- internal/sqlstore/inquiry.go), or the engines will not use the index.

DROP INDEX inquiries_expires_at;
CREATE INDEX inquiries_due ON inquiries (expires_at, id) WHERE status IN ('created', 'pending');
