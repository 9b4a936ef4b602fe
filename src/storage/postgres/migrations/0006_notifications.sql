-- In-app notifications: one row per recipient. org_id is empty for a notification that
-- belongs to no organization (an invitation to one the user is not yet a member of names
-- it in the payload instead). payload is a JSON object (text on both backends).
CREATE TABLE notifications (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  read_at_ms BIGINT
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);

-- The durable outbox of email: written in the transaction of the change that causes the
-- mail, delivered later by the mail worker, so a failed or slow SMTP server never fails
-- or slows that change. A worker claims a row by moving claimed_until_ms forward (safe with
-- several processes on one database); a failed attempt moves next_attempt_at_ms by a
-- backoff; after the last attempt the row is 'failed' and kept for the operator.
CREATE TABLE mail_outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at_ms BIGINT NOT NULL,
  claimed_until_ms BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  sent_at_ms BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at_ms);
