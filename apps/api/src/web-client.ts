import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { join } from 'node:path';

/**
 * The web client (apps/web, built by `npm run build` into dist/web, or WEB_CLIENT_DIR), served
 * at `/` by the API: one process, one port. Files are served as they are (hashed assets cached for a year); every
 * other GET outside /api is a page of the app and gets its index.html. Without a build, `/`
 * says how to make one.
 */
export function webClient(root: string): Router {
  const index = join(root, 'index.html');
  const router = express.Router();
  router.use(
    '/assets',
    express.static(join(root, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  router.use(express.static(root, { index: false, maxAge: 0 }));
  router.get(
    /^(?!\/api(\/|$)|\/socket\.io(\/|$)).*/,
    (req: Request, res: Response, next: NextFunction) => {
      if (!req.accepts('html')) {
        next();
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index, (error?: NodeJS.ErrnoException) => {
        if (!error) return;
        if (error.code !== 'ENOENT' || res.headersSent) {
          next(error);
          return;
        }
        res
          .status(503)
          .type('text/plain')
          .send('The web client is not built: run `npm run build` (the API is at /api).');
      });
    },
  );
  return router;
}
