import { createHmac } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(',')}}`;
}

export interface HashedFields {
  scope: string;
  seq: number;
  at: Date;
  actorId: string | null;
  action: string;
  target: { type: string; id: string };
  data: Record<string, unknown>;
  prevHash: string;
}

/**
 * HMAC-SHA256 of the entry's canonical content under the audit secret: someone who can write
 * to the database but does not hold the secret cannot re-hash an edited entry.
 */
export function hashEntry(fields: HashedFields, secret: string): string {
  return createHmac('sha256', secret)
    .update(
      canonicalJson({
        ...fields,
        at: fields.at.toISOString(),
        target: { type: fields.target.type, id: fields.target.id },
      }),
    )
    .digest('hex');
}

/** The signature of a chain's head record (its last seq and hash). */
export function signHead(scope: string, seq: number, hash: string, secret: string): string {
  return createHmac('sha256', secret).update(`${scope}\n${seq}\n${hash}`).digest('hex');
}
