-- SPDX-License-Identifier: Apache-2.0
--
-- One-time links (spec §7): a session handed out as a link keeps the hash
-- of the link's code, never the code, and when the link was made (the
-- code is derived from it), stops working and was first opened.

ALTER TABLE inquiry_sessions ADD COLUMN link_hash BLOB;
ALTER TABLE inquiry_sessions ADD COLUMN link_created_at INTEGER;
ALTER TABLE inquiry_sessions ADD COLUMN link_expires_at INTEGER;
ALTER TABLE inquiry_sessions ADD COLUMN link_used_at INTEGER;
CREATE UNIQUE INDEX inquiry_sessions_link ON inquiry_sessions (link_hash) WHERE link_hash IS NOT NULL;
