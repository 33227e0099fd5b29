/** Largest file an import route accepts (larger → 413). */
export const UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * Routes that take a file as the request body (`text/csv`, `application/json`, or multipart
 * with a `file` field) instead of a JSON object. The HTTP pipeline parses them with the upload
 * limit and lets their media types through.
 */
export const UPLOAD_ROUTES = ['/api/recommendations/import'];

/**
 * A plan import takes a plan's JSON export as the body: larger than other JSON bodies (a plan of
 * 500 actions is about 0.3 MB; 10 MB is far beyond real plans). The body is kept as bytes and
 * parsed by the import only once the caller may import into the coalition.
 */
export const PLAN_IMPORT_ROUTE = '/api/coalitions/:coalitionId/action-plans/import';
export const PLAN_IMPORT_LIMIT_BYTES = 10 * 1024 * 1024;
