import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto, TrimString } from '@accord/core';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { PLAN_STATUSES, type PlanStatus } from '../action-plan.schema';
import {
  ACTION_STATUSES,
  type ActionStatus,
  isCalendarDate,
  LIMITS,
  MILESTONE_STATUSES,
  type MilestoneStatus,
  SDG_TARGET_PATTERN,
} from '../plan-shape';

/** Binary from a socket (a Buffer) kept as it is: the transformer would empty a plain Uint8Array. */
const KeepBinary = (): PropertyDecorator =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key]);

function IsBinary(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBinary',
      validator: {
        validate: (value: unknown) => value instanceof Uint8Array,
        defaultMessage: (args) => `${args?.property} must be binary (a Yjs encoding)`,
      },
    },
    options,
  );
}

function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: (args) => `${args?.property} must be a calendar date YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** A number, or text (e.g. "40 %"); null clears it. */
function IsMeasure(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMeasure',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isFinite(value)) ||
          (typeof value === 'string' && value.length <= LIMITS.measure),
        defaultMessage: (args) =>
          `${args?.property} must be a number or text of at most ${LIMITS.measure} characters`,
      },
    },
    options,
  );
}

/** A required short text (trimmed, not empty). */
const RequiredText = (field: string, max: number = LIMITS.shortText): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ maxLength: max }),
    TrimString(),
    MinLength(1, { message: `${field} must not be empty` }),
    MaxLength(max),
    IsString(),
  );

/** The same text, optional (PATCH). */
const OptionalText = (field: string, max: number = LIMITS.shortText): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ maxLength: max }),
    IsOptional(),
    TrimString(),
    MinLength(1, { message: `${field} must not be empty` }),
    MaxLength(max),
    IsString(),
  );

/** Where a new item goes in its list (0 = first; default: last). */
const Position = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: 'Position in the list (0 = first; default: last)' }),
    IsOptional(),
    IsInt({ message: 'index must be a whole number' }),
    Min(0, { message: 'index must be 0 or more' }),
  );

// ---- Sockets ---------------------------------------------------------------------------------

export class PlanRefDto {
  @IsMongoId({ message: 'planId must be an action plan id' })
  planId!: string;
}

export class OpenPlanDto extends PlanRefDto {
  @IsOptional()
  @KeepBinary()
  @IsBinary()
  stateVector?: Uint8Array;
}

export class PlanUpdateDto extends PlanRefDto {
  @KeepBinary()
  @IsBinary()
  update!: Uint8Array;
}

// ---- REST ------------------------------------------------------------------------------------

export class CreatePlanDto {
  @ApiProperty({ example: 'Protecting human-rights defenders 2027–2029', maxLength: 300 })
  @TrimString()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(LIMITS.shortText)
  @IsString()
  title!: string;
}

export class ListPlansQueryDto extends PageQueryDto {}

export class UpdatePlanDto {
  @OptionalText('title')
  title?: string;

  @ApiPropertyOptional({ maxLength: LIMITS.longText })
  @IsOptional()
  @MaxLength(LIMITS.longText)
  @IsString()
  problem?: string;

  @ApiPropertyOptional({ maxLength: LIMITS.longText })
  @IsOptional()
  @MaxLength(LIMITS.longText)
  @IsString()
  baseline?: string;

  @ApiPropertyOptional({ maxLength: LIMITS.longText })
  @IsOptional()
  @MaxLength(LIMITS.longText)
  @IsString()
  objective?: string;

  @ApiPropertyOptional({
    type: [String],
    description: "Recommendations the plan answers (the coalition's own)",
  })
  @IsOptional()
  @IsArray({ message: 'recommendationIds must be a list of recommendation ids' })
  @ArrayMaxSize(LIMITS.recommendations)
  @ArrayUnique({ message: 'recommendationIds must not repeat an id' })
  @IsMongoId({ each: true, message: 'each of recommendationIds must be a recommendation id' })
  recommendationIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['16.10', '5.a'] })
  @IsOptional()
  @IsArray({ message: 'sdgTargets must be a list of SDG targets' })
  @ArrayMaxSize(LIMITS.sdgTargets)
  @ArrayUnique({ message: 'sdgTargets must not repeat a target' })
  @Matches(SDG_TARGET_PATTERN, {
    each: true,
    message: 'each of sdgTargets must be an SDG target such as 16.10',
  })
  sdgTargets?: string[];
}

/** Fields of an action but its title (required on creation, optional in PATCH). */
class ActionFieldsDto {
  @ApiPropertyOptional({ maxLength: LIMITS.longText })
  @IsOptional()
  @MaxLength(LIMITS.longText)
  @IsString()
  description?: string;

  @ApiPropertyOptional({ nullable: true, description: 'The lead organisation (null: none)' })
  @IsOptional()
  @IsMongoId({ message: 'leadOrganisationId must be an organisation id or null' })
  leadOrganisationId?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray({ message: 'supportingOrganisationIds must be a list of organisation ids' })
  @ArrayMaxSize(LIMITS.supportingOrganisations)
  @ArrayUnique({ message: 'supportingOrganisationIds must not repeat an id' })
  @IsMongoId({
    each: true,
    message: 'each of supportingOrganisationIds must be an organisation id',
  })
  supportingOrganisationIds?: string[];

  @ApiPropertyOptional({ nullable: true, example: '2027-01-01' })
  @IsOptional()
  @IsCalendarDate()
  startDate?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '2027-12-31' })
  @IsOptional()
  @IsCalendarDate()
  endDate?: string | null;

  @ApiPropertyOptional({ enum: ACTION_STATUSES })
  @IsOptional()
  @IsIn(ACTION_STATUSES, { message: `status must be one of ${ACTION_STATUSES.join(', ')}` })
  status?: ActionStatus;

  @ApiPropertyOptional({ nullable: true, maxLength: LIMITS.budget, example: 'EUR 40,000' })
  @IsOptional()
  @MaxLength(LIMITS.budget)
  @IsString()
  budget?: string | null;
}

export class UpdateActionDto extends ActionFieldsDto {
  @OptionalText('title')
  title?: string;
}

export class CreateActionDto extends ActionFieldsDto {
  @RequiredText('title')
  title!: string;

  @Position()
  index?: number;
}

export class MoveDto {
  @ApiProperty({ description: 'The new position (0 = first; past the end = last)' })
  @IsInt({ message: 'index must be a whole number' })
  @Min(0, { message: 'index must be 0 or more' })
  index!: number;
}

class MilestoneFieldsDto {
  @ApiPropertyOptional({ nullable: true, example: '2027-06-30' })
  @IsOptional()
  @IsCalendarDate()
  due?: string | null;

  @ApiPropertyOptional({ enum: MILESTONE_STATUSES })
  @IsOptional()
  @IsIn(MILESTONE_STATUSES, { message: `status must be one of ${MILESTONE_STATUSES.join(', ')}` })
  status?: MilestoneStatus;
}

export class UpdateMilestoneDto extends MilestoneFieldsDto {
  @OptionalText('title')
  title?: string;
}

export class CreateMilestoneDto extends MilestoneFieldsDto {
  @RequiredText('title')
  title!: string;

  @Position()
  index?: number;
}

class IndicatorFieldsDto {
  @ApiPropertyOptional({ nullable: true, oneOf: [{ type: 'number' }, { type: 'string' }] })
  @IsOptional()
  @IsMeasure()
  baseline?: string | number | null;

  @ApiPropertyOptional({ nullable: true, oneOf: [{ type: 'number' }, { type: 'string' }] })
  @IsOptional()
  @IsMeasure()
  target?: string | number | null;

  @ApiPropertyOptional({ nullable: true, maxLength: LIMITS.unit })
  @IsOptional()
  @MaxLength(LIMITS.unit)
  @IsString()
  unit?: string | null;
}

export class UpdateIndicatorDto extends IndicatorFieldsDto {
  @OptionalText('name')
  name?: string;
}

export class CreateIndicatorDto extends IndicatorFieldsDto {
  @RequiredText('name')
  name!: string;

  @Position()
  index?: number;
}

export class ChangeStatusDto {
  @ApiProperty({ enum: PLAN_STATUSES })
  @IsIn(PLAN_STATUSES, { message: `status must be one of ${PLAN_STATUSES.join(', ')}` })
  status!: PlanStatus;
}

export class CreateVersionDto {
  @ApiProperty({ example: 'Draft for review, March', maxLength: 100 })
  @TrimString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(100)
  @IsString()
  name!: string;
}

export class ChangesQueryDto {
  @ApiProperty({ description: 'The earlier version' })
  @IsMongoId({ message: 'from must be a version id' })
  from!: string;

  @ApiPropertyOptional({ description: 'The later version (default: the plan as it is now)' })
  @IsOptional()
  @Matches(/^([0-9a-f]{24}|current)$/, { message: 'to must be a version id or current' })
  to?: string;
}

export class EndorseDto {
  @ApiProperty({
    description: 'The organisation endorsing (the one you represent in the coalition)',
  })
  @IsMongoId({ message: 'organisationId must be an organisation id' })
  organisationId!: string;

  @ApiPropertyOptional({ description: 'The named version endorsed (default: the latest)' })
  @IsOptional()
  @IsMongoId({ message: 'versionId must be a version id' })
  versionId?: string;
}
