import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthModule } from '@accord/auth';
import {
  Organisation,
  OrganisationMember,
  OrganisationMemberSchema,
  OrganisationSchema,
} from './organisation.schema';
import { MeController, OrganisationsController } from './organisations.controller';
import { OrganisationsRepository } from './organisations.repository';
import { OrganisationsService } from './organisations.service';

@Module({
  imports: [
    AuthModule,
    MongooseModule.forFeature([
      { name: Organisation.name, schema: OrganisationSchema },
      { name: OrganisationMember.name, schema: OrganisationMemberSchema },
    ]),
  ],
  controllers: [OrganisationsController, MeController],
  providers: [OrganisationsService, OrganisationsRepository],
  exports: [OrganisationsService],
})
export class OrganisationsModule {}
