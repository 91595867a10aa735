import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { authSecret } from '@/lib/auth/secret';

/**
 * Webhook signing secrets and signatures.
 *
 * Storage: a secret is shown to its owner once (on creation or rotation) and stored encrypted with AES-256-GCM
 * under a key derived (HKDF-SHA256) from BETTER_AUTH_SECRET, bound to its rule's id as associated data; a hash
 * would not do, the worker needs the secret itself to sign. A database dump alone therefore reveals no secret;
 * the dump plus BETTER_AUTH_SECRET does. Changing BETTER_AUTH_SECRET makes stored secrets unreadable: deliveries
 * then fail with "signing secret unreadable" until the owner rotates the secret.
 *
 * Signature: `Flightdeck-Signature: t=<unix seconds>,id=<delivery id>,v1=<hex HMAC-SHA256(secret, "t.id.body")>`,
 * the scheme Stripe and Slack use. The timestamp lets a receiver refuse old captures (5 minutes in the README's
 * example) and the delivery id lets it refuse a second copy inside that window.
 */
export const SIGNATURE_HEADER = 'flightdeck-signature';
export const SIGNATURE_TOLERANCE_S = 300;

export function generateWebhookSecret() {
  return `whsec_${randomBytes(24).toString('hex')}`;
}

let cachedKey: { from: string; key: Buffer } | undefined;
function key() {
  const secret = authSecret();
  if (cachedKey?.from !== secret) {
    cachedKey = { from: secret, key: Buffer.from(hkdfSync('sha256', secret, 'flightdeck', 'webhook-signing-secret/v1', 32)) };
  }
  return cachedKey.key;
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url), bound to the preference id. */
export function encryptWebhookSecret(secret: string, preferenceId: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  cipher.setAAD(Buffer.from(preferenceId));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The secret, or null when the value is malformed or was encrypted under another key or for another rule. */
export function decryptWebhookSecret(stored: string, preferenceId: string): string | null {
  const [version, iv, tag, ct] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || ct === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(preferenceId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The `Flightdeck-Signature` header value for one delivery attempt. */
export function signWebhook(secret: string, input: { deliveryId: string | number; body: string; timestamp?: number }) {
  const t = input.timestamp ?? Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${input.deliveryId}.${input.body}`).digest('hex');
  return `t=${t},id=${input.deliveryId},v1=${v1}`;
}

/**
 * For receivers in TypeScript (the README shows the same check in plain Node): the header's HMAC matches and its
 * timestamp is within `toleranceS` of now. Returns the delivery id to de-duplicate on, or null.
 */
export function verifyWebhook(secret: string, body: string, header: string | null | undefined, toleranceS = SIGNATURE_TOLERANCE_S) {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!parts.id || !parts.v1 || !Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceS) return null;
  const expected = createHmac('sha256', secret).update(`${t}.${parts.id}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? parts.id : null;
}
