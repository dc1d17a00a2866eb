-- SPDX-License-Identifier: Apache-2.0
--
-- Every state change writes an event, and each index on events is one
-- more B-tree page to write in that transaction. Three of them were keyed
-- by a random inquiry id: events_object, events_inquiry and
-- events_inquiry_seq. Most events are about their inquiry itself
-- (object_id = inquiry_id), so one inquiry index serves both filters:
--   - filter[inquiry-id] reads events_inquiry_seq; the list query repeats
--     its "inquiry_id <> ''" so the engines may use the partial index;
--   - filter[object-id] with an inquiry id reads the same index, and with
--     any other id reads events_other_object, which holds only the events
--     whose object is not their inquiry (sessions, verifications,
--     accounts, webhooks).
-- See EventList in internal/sqlstore/event.go: the WHERE clauses must stay
-- as written there.

DROP INDEX events_inquiry;
DROP INDEX events_object;
CREATE INDEX events_other_object ON events (object_id, created_at) WHERE object_id <> inquiry_id;
