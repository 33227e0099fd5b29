// Action plans: Yjs documents, persistence, REST projection, live co-authoring.
export * from './action-plan.schema';
export * from './action-plans.module';
export * from './action-plans.service';
export * from './action-plans.repository';
export * from './plan-documents';
export * from './plan-shape';
export * from './plan-update-guard';
export * from './plan-editor';
export * from './plan-events';
export * from './plans.gateway';
export * from './dto/action-plan.dto';
export * from './plan-diff';
export * from './plan-versions.service';
export * from './plan-versions.repository';
export * from './plan-access.policy';
export * from './plan-content-check';
