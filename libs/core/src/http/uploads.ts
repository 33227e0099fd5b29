/** Largest file an import route accepts (larger → 413). */
export const UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * Routes that take a file as the request body (`text/csv`, `application/json`, or multipart
 * with a `file` field) instead of a JSON object. The HTTP pipeline parses them with the upload
 * limit and lets their media types through.
 */
export const UPLOAD_ROUTES = ['/api/recommendations/import'];
