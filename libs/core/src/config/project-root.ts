import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Accord checkout this code runs from (source or dist), found by its package.json. */
export function projectRoot(): string | undefined {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'accord')
          return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
