import { sha256Hex } from '../../client/data/sha256';

/** 128 random bits as 22 URL-safe base64 characters (no padding). */
export function randomId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** 256 random bits, URL-safe: a bearer token (delete or write) shown once to its creator. */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** What an id made by randomId looks like; anything else cannot name a row. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** SHA-256 hex of a token: what D1 stores, so a leaked database leaks no tokens. */
export async function hashToken(token: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(token));
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
