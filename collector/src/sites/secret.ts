/**
 * The one place secrets are made and hashed: site secret keys (`sk_…`), issued analyst and share
 * tokens, and the admin token are compared as SHA-256 digests, never stored or compared in clear.
 * (The digest of a random 24-byte secret needs no salt or slow hash: there is nothing to guess.)
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The SHA-256 digest of a secret. */
export const sha256 = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** How a secret is stored: its SHA-256 digest in hex. */
export const hashSecret = (secret: string): string => sha256(secret).toString('hex');

/** Whether a secret's digest ({@link sha256}) is the stored hex digest `hexHash`, compared in constant time. */
export function digestMatches(digest: Buffer, hexHash: string | undefined): boolean {
  return hexHash?.length === 64 && timingSafeEqual(digest, Buffer.from(hexHash, 'hex'));
}

/** A new random secret with its kind's prefix (`sk_`, `at_`, `sh_`): 24 random bytes, base64url. */
export const newSecret = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

/** A new public site key (`pk_…`): not a secret (it is in every page), only unguessable enough to be unique. */
export const newPublicKey = (): string => `pk_${randomBytes(15).toString('base64url')}`;
