import { createHash } from 'node:crypto';

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

export function hashEntry(fields: HashedFields): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        ...fields,
        at: fields.at.toISOString(),
        target: { type: fields.target.type, id: fields.target.id },
      }),
    )
    .digest('hex');
}
