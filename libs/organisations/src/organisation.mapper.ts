import type {
  MyOrganisationDto,
  OrganisationMemberResponseDto,
  OrganisationResponseDto,
} from './dto/organisation.dto';
import type { MemberWithUser, OrganisationRecord } from './organisation.schema';
import type { OrganisationRole } from './stakeholder-type';

export function toMemberResponse(member: MemberWithUser): OrganisationMemberResponseDto {
  return {
    userId: member.userId?._id.toString() ?? '',
    displayName: member.userId?.displayName ?? '(deleted account)',
    role: member.role,
    addedAt: new Date(member.addedAt).toISOString(),
  };
}

export function toOrganisationResponse(
  org: OrganisationRecord,
  view: { memberCount: number; myRole: OrganisationRole | null; members?: MemberWithUser[] },
): OrganisationResponseDto {
  return {
    id: org._id.toString(),
    name: org.name,
    stakeholderType: org.stakeholderType,
    country: org.country,
    verified: org.verified,
    memberCount: view.memberCount,
    myRole: view.myRole,
    ...(view.members ? { members: view.members.map(toMemberResponse) } : {}),
    createdAt: new Date(org.createdAt).toISOString(),
    updatedAt: new Date(org.updatedAt).toISOString(),
  };
}

export function toMyOrganisation(
  org: OrganisationRecord,
  role: OrganisationRole,
): MyOrganisationDto {
  return {
    id: org._id.toString(),
    name: org.name,
    stakeholderType: org.stakeholderType,
    country: org.country,
    verified: org.verified,
    role,
  };
}
