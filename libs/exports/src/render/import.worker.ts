/**
 * An import's reading of the file, in a worker of the same pool as the renderers (its own file,
 * so render workers never load the plan layout's code and the schema validator).
 */
export { readPlanImport as default } from './plan-import';
