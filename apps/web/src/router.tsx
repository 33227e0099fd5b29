import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

/** A small history router: the path and query of the page, links, and navigation. */
const listeners = new Set<() => void>();
let moves = 0;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  moves++;
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', () => {
  moves++;
  for (const listener of listeners) listener();
});

/** How many times the app has moved from page to page (links, back, forward) since it loaded. */
export function navigations(): number {
  return moves;
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/**
 * Where to go after signing in (`?next=`): a path of this app only — never another site
 * (`//host`, `/\host`, `https://…`), so a shared link cannot send someone elsewhere.
 */
export function nextPath(query: URLSearchParams): string | null {
  const next = query.get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return null;
  return next;
}

/** `to` with `?next=` carried along (when there is one). */
export function withNext(to: string, next: string | null): string {
  return next ? `${to}?next=${encodeURIComponent(next)}` : to;
}

/** `/coalitions/:id` against a path: the parameters, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const found = new RegExp(`^${source}/?$`).exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
}

export function Link({ to, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} {...rest} />;
}
