import { Types } from 'mongoose';
import type { MyOrganisationDto, OrganisationMemberResponseDto, OrganisationResponseDto } from './dto/organisation.dto';
import type { OrganisationRecord, PopulatedMember } from './organisation.schema';
import type { OrganisationRole } from './stakeholder-type';

export function roleOf(org: Pick<OrganisationRecord, 'members'>, userId: string): OrganisationRole | null {
  return org.members.find((m) => m.userId.toString() === userId)?.role ?? null;
}

export function toMemberResponse(member: PopulatedMember): OrganisationMemberResponseDto {
  const user = member.userId;
  const populated = user && !(user instanceof Types.ObjectId) ? user : null;
  return {
    userId: (populated?._id ?? user ?? '').toString(),
    displayName: populated?.displayName ?? '(deleted account)',
    role: member.role,
    addedAt: new Date(member.addedAt).toISOString(),
  };
}

export function toOrganisationResponse(
  org: OrganisationRecord,
  viewerId: string,
  members?: PopulatedMember[],
): OrganisationResponseDto {
  return {
    id: org._id.toString(),
    name: org.name,
    stakeholderType: org.stakeholderType,
    country: org.country,
    verified: org.verified,
    memberCount: org.members.length,
    myRole: roleOf(org, viewerId),
    ...(members ? { members: members.map(toMemberResponse) } : {}),
    createdAt: new Date(org.createdAt).toISOString(),
    updatedAt: new Date(org.updatedAt).toISOString(),
  };
}

export function toMyOrganisation(org: OrganisationRecord, userId: string): MyOrganisationDto {
  return {
    id: org._id.toString(),
    name: org.name,
    stakeholderType: org.stakeholderType,
    country: org.country,
    verified: org.verified,
    role: roleOf(org, userId) ?? 'member',
  };
}
