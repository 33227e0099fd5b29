import { Inject, Injectable } from '@nestjs/common';
import { AccordConfig, AccordError, DocumentLocks, ErrorCode, type Page } from '@accord/core';
import { Types } from 'mongoose';
import { GENESIS_HASH, type AuditEntryRecord } from './audit-entry.schema';
import { hashEntry, signHead } from './audit-hash';
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

const MAX_APPEND_ATTEMPTS = 5;
/** Long enough to queue behind a burst of audited changes to one coalition. */
const APPEND_WAIT_MS = 30_000;

@Injectable()
export class AuditService {
  constructor(
    @Inject(AuditRepository) private readonly entries: AuditRepository,
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
  ) {}

  /**
   * Appends an entry to its scope's chain. Writers of one scope take turns (a cross-node lock),
   * so the chain never forks and concurrent changes all get their entry; the unique
   * `(scope, seq)` index stays as the last guard.
   */
  async record(event: AuditEvent): Promise<AuditEntryView> {
    // Stored data must hash the same after a round trip through the database.
    const data = JSON.parse(JSON.stringify(event.data ?? {})) as Record<string, unknown>;
    return this.locks.withLock(
      `audit:${event.scope}`,
      async () => {
        for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
          const last = await this.entries.last(event.scope);
          const fields = {
            scope: event.scope,
            seq: (last?.seq ?? 0) + 1,
            at: new Date(),
            actorId: event.actorId,
            action: event.action,
            target: event.target,
            data,
            prevHash: last?.hash ?? GENESIS_HASH,
          };
          const hash = hashEntry(fields, this.config.auditSecret);
          const appended = await this.entries.append({
            ...fields,
            actorId: event.actorId ? new Types.ObjectId(event.actorId) : null,
            hash,
          });
          if (appended) {
            await this.entries.setHead({
              _id: event.scope,
              seq: fields.seq,
              hash,
              signature: signHead(event.scope, fields.seq, hash, this.config.auditSecret),
            });
            return toView(appended);
          }
        }
        throw new AccordError(
          ErrorCode.CONFLICT,
          'The audit log could not be appended to; try again',
        );
      },
      { waitMs: APPEND_WAIT_MS },
    );
  }

  async list(scope: string, page: { page: number; limit: number }): Promise<Page<AuditEntryView>> {
    const { items, total } = await this.entries.page(scope, page);
    return { items: items.map(toView), total, page: page.page, limit: page.limit };
  }

  /**
   * Walks the chain: every entry's keyed hash must match its content, link to the previous
   * entry's hash and follow it without a gap, and the chain must end where its signed head
   * says. An entry edited, inserted or deleted in the database breaks it.
   */
  async verify(scope: string): Promise<AuditIntegrity> {
    const secret = this.config.auditSecret;
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
      const recomputed = hashEntry(
        {
          scope: entry.scope,
          seq: entry.seq,
          at: new Date(entry.at),
          actorId: entry.actorId ? entry.actorId.toString() : null,
          action: entry.action,
          target: entry.target,
          data: entry.data ?? {},
          prevHash: entry.prevHash,
        },
        secret,
      );
      if (recomputed !== entry.hash) return broken('its content does not match its hash');
      prevHash = entry.hash;
      expectedSeq++;
      checked++;
    }
    const head = await this.entries.head(scope);
    const lastSeq = expectedSeq - 1;
    if (!head) {
      return lastSeq === 0
        ? { ok: true, checked }
        : { ok: false, checked, brokenAtSeq: lastSeq, problem: 'the chain has no head record' };
    }
    if (head.signature !== signHead(scope, head.seq, head.hash, secret)) {
      return {
        ok: false,
        checked,
        brokenAtSeq: head.seq,
        problem: 'the head record is not signed by this server',
      };
    }
    if (head.seq !== lastSeq || head.hash !== prevHash) {
      return {
        ok: false,
        checked,
        brokenAtSeq: Math.min(head.seq, lastSeq) + 1,
        problem:
          head.seq > lastSeq
            ? `entries after ${lastSeq} are missing`
            : 'the chain goes past its head record',
      };
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
