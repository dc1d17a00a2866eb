-- SPDX-License-Identifier: Apache-2.0
--
-- GET /inquiry-sessions pages through an environment's sessions newest
-- first, as every list does; inquiry_sessions_inquiry only serves the list
-- of one inquiry.

CREATE INDEX inquiry_sessions_list ON inquiry_sessions (environment, created_at, id);
