import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

export const UPR_RESPONSES = ['supported', 'noted'] as const;
export type UprResponse = (typeof UPR_RESPONSES)[number];

@Schema({ _id: false })
export class RecommendationSource {
  @Prop({ type: String, required: true })
  document!: string;

  /** As written in the source: `49`, `140.7`. */
  @Prop({ type: String, required: true })
  paragraph!: string;
}

const RecommendationSourceSchema = SchemaFactory.createForClass(RecommendationSource);

@Schema({ collection: 'recommendations', timestamps: true })
export class Recommendation {
  /** Unique, upper case, e.g. `WP1515-49`. */
  @Prop({ type: String, required: true, unique: true })
  code!: string;

  @Prop({ type: String, required: true })
  text!: string;

  @Prop({ type: String, required: true })
  theme!: string;

  /** Lower-cased theme, for the case-insensitive theme filter. */
  @Prop({ type: String, required: true, index: true })
  themeKey!: string;

  @Prop({ type: RecommendationSourceSchema, required: true })
  source!: RecommendationSource;

  /** Paragraph numbers padded so that text order is numeric order (`49` before `140.7`). */
  @Prop({ type: String, required: true, index: true })
  sortKey!: string;

  @Prop({ type: [String], default: [], index: true })
  sdgTargets!: string[];

  @Prop({ type: [String], default: [] })
  tags!: string[];

  @Prop({ type: String, default: null })
  recommendingState!: string | null;

  @Prop({ type: String, default: null })
  mechanism!: string | null;

  @Prop({ type: String, enum: [...UPR_RESPONSES, null], default: null })
  response!: UprResponse | null;

  /** Lower-cased code and text: what `q` searches. */
  @Prop({ type: String, required: true })
  searchText!: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export const RecommendationSchema = SchemaFactory.createForClass(Recommendation);
export type RecommendationRecord = Recommendation & { _id: Types.ObjectId };

/** The stored fields a catalogue row sets (everything but ids and timestamps). */
export type RecommendationFields = Omit<Recommendation, 'createdAt' | 'updatedAt'>;

export function sortKeyFor(document: string, paragraph: string): string {
  const numbers = paragraph.split('.').map((part) => {
    const match = /^(\d+)([a-z]*)$/i.exec(part);
    return match ? `${match[1].padStart(6, '0')}${match[2].toLowerCase()}` : part.toLowerCase();
  });
  return `${document.toLowerCase()}|${numbers.join('.')}`;
}
