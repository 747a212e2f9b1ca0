/**
 * Idempotency-Key semantics (after draft-ietf-httpapi-idempotency-key-header): the same key with the
 * same request replays the first answer; the same key with another request is refused (422); a key
 * whose first request is still running is a conflict (409).
 */
import { createHash } from 'node:crypto';

/** Stable JSON: object keys sorted, so that field order does not change the fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function requestFingerprint(body: unknown): string {
  return sha256(canonicalJson(body));
}

export type IdempotencyState =
  | { state: 'in-progress'; fingerprint: string }
  | { state: 'completed'; fingerprint: string; statusCode: number; body: string };

export type IdempotencyDecision =
  | { action: 'replay'; statusCode: number; body: string }
  | { action: 'mismatch' }
  | { action: 'in-progress' };

export function decideIdempotency(existing: IdempotencyState, fingerprint: string): IdempotencyDecision {
  if (existing.fingerprint !== fingerprint) return { action: 'mismatch' };
  if (existing.state === 'in-progress') return { action: 'in-progress' };
  return { action: 'replay', statusCode: existing.statusCode, body: existing.body };
}
