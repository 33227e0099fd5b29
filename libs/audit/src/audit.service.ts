import { Inject, Injectable } from '@nestjs/common';
import { AccordError, ErrorCode, type Page } from '@accord/core';
import { Types } from 'mongoose';
import { GENESIS_HASH, type AuditEntryRecord } from './audit-entry.schema';
import { hashEntry } from './audit-hash';
import { AuditRepository } from './audit.repository';

export interface AuditEvent {
  scope: string;
  /** The acting user; null for the system. */
  actorId: string | null;
  /** Dotted verb, e.g. `coalition.member.role_changed`. */
  action: string;
  target: { type: string; id: string };
  /** Small, flat facts about the change (roles before/after, reason, …). */
  data?: Record<string, unknown>;
}

export interface AuditEntryView {
  id: string;
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  target: { type: string; id: string };
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditIntegrity {
  ok: boolean;
  checked: number;
  /** The first entry whose content or link does not match (when not ok). */
  brokenAtSeq?: number;
  problem?: string;
}

export const coalitionScope = (coalitionId: string): string => `coalition:${coalitionId}`;
export const organisationScope = (organisationId: string): string =>
  `organisation:${organisationId}`;
export const PLATFORM_SCOPE = 'platform';

const MAX_APPEND_ATTEMPTS = 20;

@Injectable()
export class AuditService {
  constructor(@Inject(AuditRepository) private readonly entries: AuditRepository) {}

  /** Appends an entry to its scope's chain; retried when another writer appended first. */
  async record(event: AuditEvent): Promise<AuditEntryView> {
    // Stored data must hash the same after a round trip through the database.
    const data = JSON.parse(JSON.stringify(event.data ?? {})) as Record<string, unknown>;
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const last = await this.entries.last(event.scope);
      const at = new Date();
      const fields = {
        scope: event.scope,
        seq: (last?.seq ?? 0) + 1,
        at,
        actorId: event.actorId,
        action: event.action,
        target: event.target,
        data,
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const hash = hashEntry(fields);
      const appended = await this.entries.append({
        ...fields,
        actorId: event.actorId ? new Types.ObjectId(event.actorId) : null,
        hash,
      });
      if (appended) return toView(appended);
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new AccordError(ErrorCode.CONFLICT, 'The audit log is busy; try again');
  }

  async list(scope: string, page: { page: number; limit: number }): Promise<Page<AuditEntryView>> {
    const { items, total } = await this.entries.page(scope, page);
    return { items: items.map(toView), total, page: page.page, limit: page.limit };
  }

  /**
   * Walks the chain: every entry's hash must match its content, link to the previous entry's
   * hash, and follow it without a gap. An entry edited or deleted in the database breaks it.
   */
  async verify(scope: string): Promise<AuditIntegrity> {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for await (const entry of this.entries.inOrder(scope)) {
      const broken = (problem: string): AuditIntegrity => ({
        ok: false,
        checked,
        brokenAtSeq: entry.seq,
        problem,
      });
      if (entry.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
      if (entry.prevHash !== prevHash) return broken('it does not link to the previous entry');
      const recomputed = hashEntry({
        scope: entry.scope,
        seq: entry.seq,
        at: new Date(entry.at),
        actorId: entry.actorId ? entry.actorId.toString() : null,
        action: entry.action,
        target: entry.target,
        data: entry.data ?? {},
        prevHash: entry.prevHash,
      });
      if (recomputed !== entry.hash) return broken('its content does not match its hash');
      prevHash = entry.hash;
      expectedSeq++;
      checked++;
    }
    return { ok: true, checked };
  }
}

function toView(entry: AuditEntryRecord): AuditEntryView {
  return {
    id: entry._id.toString(),
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    actorId: entry.actorId ? entry.actorId.toString() : null,
    action: entry.action,
    target: { type: entry.target.type, id: entry.target.id },
    data: entry.data ?? {},
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}
