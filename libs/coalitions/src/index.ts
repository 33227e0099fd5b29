export * from './coalitions.module';
export * from './coalitions.service';
export * from './coalition-access.policy';
export * from './coalition-roles';
export * from './coalition.schema';
export * from './stakeholder-mix';
export * from './dto/coalition.dto';
