-- Hand-written (issue 15.9): webhook signing secrets are no longer stored in plaintext. New and rotated secrets go
-- to secret_ciphertext, AES-256-GCM encrypted under a key derived from BETTER_AUTH_SECRET (SQL cannot do that: the
-- key is not in the database). The old plaintext column is renamed legacy_secret so that nothing reads it by its old
-- name; rules saved before this migration keep being signed with it until the delivery worker's first run
-- encrypts it into secret_ciphertext and sets legacy_secret to NULL (lib/interventions/webhooks.ts,
-- encryptLegacyWebhookSecrets).
ALTER TABLE notification_preferences RENAME COLUMN secret TO legacy_secret;
--> statement-breakpoint
ALTER TABLE notification_preferences ADD COLUMN secret_ciphertext text;
