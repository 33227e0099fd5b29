import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto, TrimString, PageOf } from '@accord/core';
import { STAKEHOLDER_TYPES, type StakeholderType } from '@accord/organisations';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsMongoId,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import {
  COALITION_ROLES,
  COALITION_VISIBILITIES,
  type CoalitionRole,
  type CoalitionVisibility,
} from '../coalition-roles';
import { JOIN_REQUEST_STATUSES, type JoinRequestStatus } from '../coalition.schema';

const ROLE_MESSAGE = `role must be one of ${COALITION_ROLES.join(', ')}`;

export class CreateCoalitionDto {
  @ApiProperty({ example: 'Coalition for supply-chain accountability', maxLength: 150 })
  @TrimString()
  @MinLength(3, { message: 'name must be at least 3 characters long' })
  @MaxLength(150)
  @IsString()
  name!: string;

  @ApiProperty({ maxLength: 5000 })
  @TrimString()
  @MinLength(1, { message: 'purpose must not be empty' })
  @MaxLength(5000)
  @IsString()
  purpose!: string;

  @ApiProperty({ enum: COALITION_VISIBILITIES })
  @IsIn(COALITION_VISIBILITIES, { message: 'visibility must be public or private' })
  visibility!: CoalitionVisibility;

  @ApiProperty({
    type: [String],
    description: 'Ids of the recommendations it works on (at least one)',
  })
  @IsArray({ message: 'recommendationIds must be a list of recommendation ids' })
  @ArrayMinSize(1, { message: 'recommendationIds must name at least one recommendation' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'recommendationIds must not repeat an id' })
  @IsMongoId({ each: true, message: 'each of recommendationIds must be a recommendation id' })
  recommendationIds!: string[];

  @ApiProperty({ description: 'The organisation the creator acts for (they must belong to it)' })
  @IsMongoId({ message: 'organisationId must be an organisation id' })
  organisationId!: string;
}

export class ListCoalitionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only coalitions working on this recommendation' })
  @IsOptional()
  @IsMongoId({ message: 'recommendationId must be a recommendation id' })
  recommendationId?: string;

  @ApiPropertyOptional({ description: 'Search in name and purpose (case-insensitive)' })
  @IsOptional()
  @TrimString()
  @MaxLength(200)
  @IsString()
  q?: string;

  @ApiPropertyOptional({ enum: COALITION_VISIBILITIES })
  @IsOptional()
  @IsIn(COALITION_VISIBILITIES, { message: 'visibility must be public or private' })
  visibility?: CoalitionVisibility;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only coalitions the caller belongs to',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'mine must be true or false' })
  mine?: 'true' | 'false';
}

export class CreateJoinRequestDto {
  @ApiProperty({ description: 'The organisation the requester would act for' })
  @IsMongoId({ message: 'organisationId must be an organisation id' })
  organisationId!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @TrimString()
  @MaxLength(1000)
  @IsString()
  message?: string;
}

export class ListJoinRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOIN_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(JOIN_REQUEST_STATUSES, {
    message: `status must be one of ${JOIN_REQUEST_STATUSES.join(', ')}`,
  })
  status?: JoinRequestStatus;
}

export class CreateInvitationDto {
  @ApiProperty({ example: 'minister.office@gov.example' })
  @TrimString()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  @IsString()
  email!: string;

  @ApiPropertyOptional({
    description: 'The organisation the invitee will act for; else chosen on acceptance',
  })
  @IsOptional()
  @IsMongoId({ message: 'organisationId must be an organisation id' })
  organisationId?: string;

  @ApiProperty({ enum: COALITION_ROLES })
  @IsIn(COALITION_ROLES, { message: ROLE_MESSAGE })
  role!: CoalitionRole;
}

export class AcceptInvitationDto {
  @ApiPropertyOptional({ description: 'Required when the invitation names no organisation' })
  @IsOptional()
  @IsMongoId({ message: 'organisationId must be an organisation id' })
  organisationId?: string;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: COALITION_ROLES })
  @IsIn(COALITION_ROLES, { message: ROLE_MESSAGE })
  role!: CoalitionRole;
}

// ---- responses ----

export class StakeholderMixDto {
  @ApiProperty({
    description: 'Member organisations by stakeholder type',
    example: Object.fromEntries(STAKEHOLDER_TYPES.map((t) => [t, 0])),
  })
  counts!: Record<StakeholderType, number>;

  @ApiProperty({ description: 'Distinct member organisations' })
  organisations!: number;

  @ApiProperty({ description: 'Stakeholder types present' })
  types!: number;

  @ApiProperty({ description: 'Three or more stakeholder types' })
  multiStakeholder!: boolean;
}

export class CoalitionOrganisationDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: STAKEHOLDER_TYPES })
  stakeholderType!: StakeholderType;

  @ApiProperty()
  country!: string;

  @ApiProperty()
  verified!: boolean;
}

export class CoalitionMemberDto {
  @ApiProperty()
  userId!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty()
  organisationId!: string;

  @ApiProperty({ enum: COALITION_ROLES })
  role!: CoalitionRole;

  @ApiProperty()
  joinedAt!: string;
}

export class CoalitionRecommendationDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  code!: string;

  @ApiProperty()
  theme!: string;
}

export class CoalitionResponseDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  purpose!: string;

  @ApiProperty({ enum: COALITION_VISIBILITIES })
  visibility!: CoalitionVisibility;

  @ApiProperty({ enum: ['active', 'archived'] })
  status!: 'active' | 'archived';

  @ApiProperty({ type: [String] })
  recommendationIds!: string[];

  @ApiProperty({ type: StakeholderMixDto })
  stakeholderMix!: StakeholderMixDto;

  @ApiProperty()
  memberCount!: number;

  @ApiProperty({
    enum: COALITION_ROLES,
    nullable: true,
    description: "The caller's role, null when not a member",
  })
  myRole!: CoalitionRole | null;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class CoalitionDetailDto extends CoalitionResponseDto {
  @ApiProperty({ type: [CoalitionRecommendationDto] })
  recommendations!: CoalitionRecommendationDto[];

  @ApiProperty({ type: [CoalitionOrganisationDto], description: 'Member organisations' })
  organisations!: CoalitionOrganisationDto[];

  @ApiPropertyOptional({
    type: [CoalitionMemberDto],
    description: 'People and roles: shown to members only',
  })
  members?: CoalitionMemberDto[];
}

export class CoalitionPageDto extends PageOf(CoalitionResponseDto) {}

export class JoinRequestDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  coalitionId!: string;

  @ApiProperty()
  userId!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty()
  organisationId!: string;

  @ApiProperty({ nullable: true })
  message!: string | null;

  @ApiProperty({ enum: JOIN_REQUEST_STATUSES })
  status!: JoinRequestStatus;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty({ nullable: true })
  decidedAt!: string | null;
}

export class InvitationDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  coalitionId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ nullable: true })
  organisationId!: string | null;

  @ApiProperty({ enum: COALITION_ROLES })
  role!: CoalitionRole;

  @ApiProperty({ enum: ['pending', 'accepted', 'revoked', 'expired'] })
  status!: 'pending' | 'accepted' | 'revoked' | 'expired';

  @ApiProperty()
  expiresAt!: string;

  @ApiProperty()
  createdAt!: string;
}

export class CreatedInvitationDto extends InvitationDto {
  @ApiProperty({
    description: 'Shown once: share it with the invitee (POST /api/invitations/:token/accept)',
  })
  token!: string;
}

export class MyInvitationDto extends InvitationDto {
  @ApiProperty()
  coalitionName!: string;
}

export class AuditEntryDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  seq!: number;

  @ApiProperty({ description: 'UTC' })
  at!: string;

  @ApiProperty({ nullable: true })
  actorId!: string | null;

  @ApiProperty({ example: 'coalition.member.role_changed' })
  action!: string;

  @ApiProperty({ example: { type: 'user', id: '…' } })
  target!: { type: string; id: string };

  @ApiProperty()
  data!: Record<string, unknown>;

  @ApiProperty()
  prevHash!: string;

  @ApiProperty()
  hash!: string;
}

export class AuditIntegrityDto {
  @ApiProperty({ description: 'Every entry matches its hash and links to the one before' })
  ok!: boolean;

  @ApiProperty()
  checked!: number;

  @ApiPropertyOptional()
  brokenAtSeq?: number;

  @ApiPropertyOptional()
  problem?: string;
}

export class AuditPageDto extends PageOf(AuditEntryDto) {
  @ApiProperty({ type: AuditIntegrityDto })
  integrity!: AuditIntegrityDto;
}
