import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;

/** `?page=&limit=`: page from 1, limit 1–100 (20 by default). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 20;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export function skipFor(query: { page: number; limit: number }): number {
  return (query.page - 1) * query.limit;
}

export function toPage<S, T>(
  items: S[],
  total: number,
  query: { page: number; limit: number },
  map: (item: S) => T,
): Page<T> {
  return { items: items.map(map), total, page: query.page, limit: query.limit };
}

/** Escapes user text for use inside a regular expression (case-insensitive search). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The OpenAPI shape of `Page<T>` for an item DTO: `class XPageDto extends PageOf(XDto) {}`. */
export function PageOf<T>(item: new () => T) {
  class PageDto {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty()
    total!: number;

    @ApiProperty()
    page!: number;

    @ApiProperty()
    limit!: number;
  }
  return PageDto;
}
