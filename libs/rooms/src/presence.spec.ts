import { AccordError, ErrorCode } from '@accord/core';
import { presenceOf, type RoomSeat } from './presence';
import { ackError, ok } from './ws-ack';

const seat = (userId: string, displayName: string, extra: Partial<RoomSeat> = {}): RoomSeat => ({
  coalitionId: 'c1',
  userId,
  displayName,
  organisationId: `org-${userId}`,
  stakeholderType: 'ngo',
  ...extra,
});

describe('presenceOf', () => {
  it('counts a person with several tabs once', () => {
    const list = presenceOf([seat('u1', 'Ana'), seat('u2', 'Bo'), seat('u1', 'Ana')]);
    expect(list.map((p) => p.userId)).toEqual(['u1', 'u2']);
    expect(list[0]).toEqual({
      userId: 'u1',
      displayName: 'Ana',
      organisationId: 'org-u1',
      stakeholderType: 'ngo',
    });
  });

  it('orders by display name, then id', () => {
    expect(
      presenceOf([seat('u3', 'Zoe'), seat('u2', 'Ana'), seat('u1', 'Ana')]).map((p) => p.userId),
    ).toEqual(['u1', 'u2', 'u3']);
  });
});

describe('ack helpers', () => {
  it('wraps data', () => {
    expect(ok({ seq: 3 })).toEqual({ ok: true, data: { seq: 3 } });
  });

  it('maps a domain error to its code and message', () => {
    const { ack, unexpected } = ackError(AccordError.notFound('Coalition not found'), 'ref-1');
    expect(ack).toEqual({
      ok: false,
      error: { code: ErrorCode.NOT_FOUND, message: 'Coalition not found' },
    });
    expect(unexpected).toBe(false);
  });

  it('hides an unknown error behind INTERNAL with a reference', () => {
    const { ack, unexpected } = ackError(new Error('mongodb://user:secret@db'), 'ref-2');
    expect(ack.ok).toBe(false);
    expect(JSON.stringify(ack)).not.toContain('secret');
    expect(JSON.stringify(ack)).toContain('ref-2');
    expect(unexpected).toBe(true);
  });
});
