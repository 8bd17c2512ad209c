/**
 * Secrets: passwords hashed with scrypt from Node's crypto (memory-hard, no dependency; the
 * parameters are stored with each hash, so they can be raised later without breaking old
 * passwords), random secrets for keys, tokens and tickets, and their SHA-256 for storing.
 */
import { createHmac, hash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const sha256 = (text: string) => hash('sha256', text, 'hex');

/** An HMAC-SHA-256 of `text` with `key`, URL-safe: 43 characters, unguessable without the key. */
export const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64url');

/** A new random secret: 256 bits, URL-safe. */
export const newSecret = () => randomBytes(32).toString('base64url');

/** Whether two secrets (or their hashes) are the same, compared in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const N = 16384;
const r = 8;
const p = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, key64] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key64) return false;
  const expected = Buffer.from(key64, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(rr), p: Number(pp) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, checked against when a user name is unknown, so timing tells nothing. */
export const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
