-- SPDX-License-Identifier: Apache-2.0
--
-- Every list is read newest first, ORDER BY created_at DESC, id DESC (seq
-- between them for events), with a LIMIT. An index that narrows a filter
-- but does not give that order means a sort, so the planner would rather
-- walk the environment's index in order (inquiries_list, events_list,
-- inquiry_sessions_list) and test each row: a filtered list then read
-- every inquiry, event or session of the environment. Each filter's index
-- now ends with the list's whole order, and starts with the environment
-- where the query states it, so it narrows and orders at once and no
-- statistics are needed to prefer it. sqlite/plan_internal_test.go checks
-- the plans.
--
-- The events of one inquiry are listed in seq order instead, which
-- events_inquiry_seq already gives (see EventList).

DROP INDEX inquiries_reference_id;
DROP INDEX inquiries_account_id;
DROP INDEX inquiries_template_id;
DROP INDEX inquiries_status;
CREATE INDEX inquiries_reference_id ON inquiries (environment, reference_id, created_at, id);
CREATE INDEX inquiries_account_id ON inquiries (environment, account_id, created_at, id);
CREATE INDEX inquiries_template_id ON inquiries (environment, template_id, created_at, id);
CREATE INDEX inquiries_status ON inquiries (environment, status, created_at, id);

DROP INDEX inquiry_sessions_inquiry;
CREATE INDEX inquiry_sessions_inquiry ON inquiry_sessions (environment, inquiry_id, created_at, id);

DROP INDEX events_name;
DROP INDEX events_other_object;
CREATE INDEX events_name ON events (environment, name, created_at, seq, id);
CREATE INDEX events_other_object ON events (environment, object_id, created_at, seq, id) WHERE object_id <> inquiry_id;

DROP INDEX webhooks_enabled;
CREATE INDEX webhooks_enabled ON webhooks (environment, created_at, id) WHERE status = 'enabled';
