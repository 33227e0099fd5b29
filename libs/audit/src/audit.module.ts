import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditEntry, AuditEntrySchema, AuditHead, AuditHeadSchema } from './audit-entry.schema';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: AuditEntry.name, schema: AuditEntrySchema },
      { name: AuditHead.name, schema: AuditHeadSchema },
    ]),
  ],
  providers: [AuditService, AuditRepository],
  exports: [AuditService],
})
export class AuditModule {}
