import { IsBoolean, IsMongoId } from 'class-validator';

export class RoomRefDto {
  @IsMongoId({ message: 'coalitionId must be a coalition id' })
  coalitionId!: string;
}

export class TypingDto extends RoomRefDto {
  @IsBoolean({ message: 'isTyping must be true or false' })
  isTyping!: boolean;
}
