import type { StakeholderType } from '@accord/organisations';
import type { CoalitionRole } from './coalition-roles';
import type { CoalitionRecord, InvitationRecord } from './coalition.schema';
import type { MemberWithUser } from './coalitions.repository';
import type {
  CoalitionMemberDto,
  CoalitionResponseDto,
  InvitationDto,
  JoinRequestDto,
} from './dto/coalition.dto';
import type { JoinRequestWithUser } from './join-requests.repository';
import type { StakeholderMix } from './stakeholder-mix';

export interface CoalitionFacts {
  mix: StakeholderMix;
  memberCount: number;
  organisationTypes: Map<string, StakeholderType>;
}

export function toCoalitionResponse(
  c: CoalitionRecord,
  facts: CoalitionFacts,
  myRole: CoalitionRole | null,
): CoalitionResponseDto {
  return {
    id: c._id.toString(),
    name: c.name,
    purpose: c.purpose,
    visibility: c.visibility,
    status: c.status,
    recommendationIds: c.recommendationIds.map(String),
    stakeholderMix: facts.mix,
    memberCount: facts.memberCount,
    myRole,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
  };
}

export function toMemberDto(m: MemberWithUser): CoalitionMemberDto {
  return {
    userId: m.userId?._id.toString() ?? '',
    displayName: m.userId?.displayName ?? '(deleted account)',
    organisationId: m.organisationId.toString(),
    role: m.role,
    joinedAt: new Date(m.joinedAt).toISOString(),
  };
}

export function toJoinRequestDto(r: JoinRequestWithUser): JoinRequestDto {
  return {
    id: r._id.toString(),
    coalitionId: r.coalitionId.toString(),
    userId: r.userId?._id.toString() ?? '',
    displayName: r.userId?.displayName ?? '(deleted account)',
    organisationId: r.organisationId.toString(),
    message: r.message ?? null,
    status: r.status,
    createdAt: new Date(r.createdAt).toISOString(),
    decidedAt: r.decidedAt ? new Date(r.decidedAt).toISOString() : null,
  };
}

export function toInvitationDto(i: InvitationRecord, now = new Date()): InvitationDto {
  const expired = i.status === 'pending' && new Date(i.expiresAt) <= now;
  return {
    id: i._id.toString(),
    coalitionId: i.coalitionId.toString(),
    email: i.email,
    organisationId: i.organisationId ? i.organisationId.toString() : null,
    role: i.role,
    status: expired ? 'expired' : i.status,
    expiresAt: new Date(i.expiresAt).toISOString(),
    createdAt: new Date(i.createdAt).toISOString(),
  };
}
