import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto, TrimString, PageOf } from '@accord/core';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { UPR_RESPONSES, type UprResponse } from '../recommendation.schema';

export class ListRecommendationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Theme (the report section), matched case-insensitively' })
  @IsOptional()
  @TrimString()
  @MaxLength(200)
  @IsString()
  theme?: string;

  @ApiPropertyOptional({ description: 'Search text, case-insensitive, over code and text' })
  @IsOptional()
  @TrimString()
  @MaxLength(200)
  @IsString()
  q?: string;

  @ApiPropertyOptional({ description: 'An SDG target, e.g. 16.10', example: '16.10' })
  @IsOptional()
  @TrimString()
  @Matches(/^\d{1,2}\.(\d{1,2}|[a-z])$/, {
    message: 'sdg must be an SDG target such as 16.10 or 16.a',
  })
  @IsString()
  sdg?: string;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'json'], { message: 'format must be csv or json' })
  format: 'csv' | 'json' = 'csv';
}

export class RecommendationSourceDto {
  @ApiProperty({ example: 'Wilton Park WP1515 (2017)' })
  document!: string;

  @ApiProperty({ example: '49' })
  paragraph!: string;
}

export class RecommendationResponseDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'WP1515-49' })
  code!: string;

  @ApiProperty()
  text!: string;

  @ApiProperty({ example: 'The role of business in advancing human rights' })
  theme!: string;

  @ApiProperty({ type: RecommendationSourceDto })
  source!: RecommendationSourceDto;

  @ApiProperty({ type: [String], example: ['16.10'] })
  sdgTargets!: string[];

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiPropertyOptional({ nullable: true, description: 'UPR: the recommending state' })
  recommendingState!: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'UPR' })
  mechanism!: string | null;

  @ApiPropertyOptional({ enum: UPR_RESPONSES, nullable: true })
  response!: UprResponse | null;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class CoalitionSummaryDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['public', 'private'] })
  visibility!: 'public' | 'private';

  @ApiProperty()
  memberOrganisationCount!: number;

  @ApiProperty()
  multiStakeholder!: boolean;
}

export class RecommendationDetailDto extends RecommendationResponseDto {
  @ApiProperty({ description: 'Coalitions working on it that the caller may see' })
  coalitionCount!: number;

  @ApiProperty({
    type: [CoalitionSummaryDto],
    description: 'Public coalitions, and private ones the caller belongs to',
  })
  coalitions!: CoalitionSummaryDto[];
}

export class RecommendationPageDto extends PageOf(RecommendationResponseDto) {}

export class ImportResultDto {
  @ApiProperty({ description: 'Recommendations that did not exist before' })
  created!: number;

  @ApiProperty({ description: 'Existing recommendations (by code) replaced by the file' })
  updated!: number;
}
