import { SharedCache, type SharedCaches } from './shared-cache';

function cache(ttlMs = 1000) {
  const published: string[] = [];
  const bus = { publish: (_name: string, key: string) => published.push(key) };
  return { c: new SharedCache<number>('test', ttlMs, bus as unknown as SharedCaches), published };
}

describe('SharedCache', () => {
  it('loads once, serves from memory, and shares a load in flight', async () => {
    const { c } = cache();
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([c.get('k', load), c.get('k', load)])).toEqual([1, 1]);
    expect(await c.get('k', load)).toBe(1);
    expect(loads).toBe(1);
  });

  it('forgets an entry on invalidate and tells the other nodes', async () => {
    const { c, published } = cache();
    let value = 1;
    expect(await c.get('k', () => Promise.resolve(value))).toBe(1);
    value = 2;
    c.invalidate('k');
    expect(published).toEqual(['k']);
    expect(await c.get('k', () => Promise.resolve(value))).toBe(2);
  });

  it('does not keep a value loaded while an invalidation happened', async () => {
    const { c } = cache();
    let release!: (v: number) => void;
    const slow = c.get('k', () => new Promise<number>((r) => (release = r)));
    c.drop('k');
    release(1);
    expect(await slow).toBe(1);
    // The stale load was not stored: the next read loads again.
    expect(await c.get('k', () => Promise.resolve(2))).toBe(2);
  });

  it('expires entries after the TTL', async () => {
    const { c } = cache(10);
    expect(await c.get('k', () => Promise.resolve(1))).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await c.get('k', () => Promise.resolve(2))).toBe(2);
  });

  it('does not cache failures', async () => {
    const { c } = cache();
    await expect(c.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await c.get('k', () => Promise.resolve(3))).toBe(3);
  });
});
