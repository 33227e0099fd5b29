export * from './audit.module';
export * from './audit.service';
export * from './audit-hash';
export { GENESIS_HASH } from './audit-entry.schema';
