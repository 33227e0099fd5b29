import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional } from 'class-validator';
import type { UnmatchedPolicy } from '../plan-import.service';
import { EXPORT_FORMATS, type ExportFormat } from '../render/formats';

export class ExportQueryDto {
  @ApiProperty({ enum: EXPORT_FORMATS, description: 'The file format' })
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format!: ExportFormat;

  @ApiPropertyOptional({
    description: 'A named version of the plan to export (default: the plan as it is now)',
  })
  @IsOptional()
  @IsMongoId({ message: 'version must be the id of a version of this plan' })
  version?: string;
}

export class ImportQueryDto {
  @ApiPropertyOptional({
    enum: ['refuse', 'drop'],
    default: 'refuse',
    description:
      'What to do with recommendations the coalition does not follow and organisations that are not its members: refuse the file (default, naming them) or leave them out',
  })
  @IsOptional()
  @IsIn(['refuse', 'drop'], { message: 'unmatched must be refuse or drop' })
  unmatched?: UnmatchedPolicy;
}
