export * from './organisations.module';
export * from './organisations.service';
export * from './organisation-access.policy';
export * from './organisation.schema';
export * from './organisation.mapper';
export * from './stakeholder-type';
export * from './dto/organisation.dto';
