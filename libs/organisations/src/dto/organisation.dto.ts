import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { UserResponseDto } from '@accord/auth';
import { PageQueryDto, QueryBoolean, TrimString, UpperCaseString, PageOf } from '@accord/core';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import {
  ORGANISATION_ROLES,
  type OrganisationRole,
  STAKEHOLDER_TYPES,
  type StakeholderType,
} from '../stakeholder-type';

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Human Rights Defenders Network', maxLength: 200 })
  @TrimString()
  @MinLength(2, { message: 'name must be at least 2 characters long' })
  @MaxLength(200)
  @IsString()
  name!: string;

  @ApiProperty({ enum: STAKEHOLDER_TYPES })
  @IsIn(STAKEHOLDER_TYPES, {
    message: `stakeholderType must be one of ${STAKEHOLDER_TYPES.join(', ')}`,
  })
  stakeholderType!: StakeholderType;

  @ApiProperty({ example: 'KE', description: 'ISO 3166-1 alpha-2 country code' })
  @UpperCaseString()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as KE or BR' })
  @IsString()
  country!: string;
}

export class ListOrganisationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STAKEHOLDER_TYPES })
  @IsOptional()
  @IsIn(STAKEHOLDER_TYPES, {
    message: `stakeholderType must be one of ${STAKEHOLDER_TYPES.join(', ')}`,
  })
  stakeholderType?: StakeholderType;

  @ApiPropertyOptional({ example: 'KE' })
  @IsOptional()
  @UpperCaseString()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as KE or BR' })
  country?: string;

  @ApiPropertyOptional({ description: 'Search in the name (case-insensitive)' })
  @IsOptional()
  @TrimString()
  @MaxLength(200)
  @IsString()
  q?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'verified must be true or false' })
  verified?: boolean;
}

export class AddOrganisationMemberDto {
  @ApiProperty({ example: 'colleague@rights.example.org' })
  @TrimString()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  @IsString()
  email!: string;

  @ApiProperty({ enum: ORGANISATION_ROLES })
  @IsIn(ORGANISATION_ROLES, { message: `role must be one of ${ORGANISATION_ROLES.join(', ')}` })
  role!: OrganisationRole;
}

export class UpdateOrganisationDto {
  @ApiProperty({ description: 'Platform admins only' })
  @IsBoolean({ message: 'verified must be true or false' })
  verified!: boolean;
}

export class OrganisationMemberResponseDto {
  @ApiProperty()
  userId!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ enum: ORGANISATION_ROLES })
  role!: OrganisationRole;

  @ApiProperty()
  addedAt!: string;
}

export class OrganisationResponseDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: STAKEHOLDER_TYPES })
  stakeholderType!: StakeholderType;

  @ApiProperty({ example: 'KE' })
  country!: string;

  @ApiProperty()
  verified!: boolean;

  @ApiProperty()
  memberCount!: number;

  @ApiProperty({
    enum: ORGANISATION_ROLES,
    nullable: true,
    description: "The caller's role in it, if any",
  })
  myRole!: OrganisationRole | null;

  @ApiPropertyOptional({
    type: [OrganisationMemberResponseDto],
    description: 'Shown to the organisation’s members and platform admins only',
  })
  members?: OrganisationMemberResponseDto[];

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class OrganisationPageDto extends PageOf(OrganisationResponseDto) {}

export class MyOrganisationDto extends PickType(OrganisationResponseDto, [
  'id',
  'name',
  'stakeholderType',
  'country',
  'verified',
] as const) {
  @ApiProperty({ enum: ORGANISATION_ROLES })
  role!: OrganisationRole;
}

export class MeResponseDto extends UserResponseDto {
  @ApiProperty({ type: [MyOrganisationDto] })
  organisations!: MyOrganisationDto[];
}
