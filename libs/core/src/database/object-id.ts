import { Types } from 'mongoose';

/** True when the text is a 24-hex ObjectId; ids from URLs are checked before any query. */
export function isObjectIdString(value: unknown): value is string {
  return (
    typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value) && Types.ObjectId.isValid(value)
  );
}

export function toObjectId(value: string): Types.ObjectId {
  return new Types.ObjectId(value);
}
