import { useEffect, useState } from 'react';

export type Route = 'dashboard' | 'participants' | 'my-organization' | 'imts' | 'imts-payments';

/** The hash path of each screen; a screen with details takes one more segment (`#/imts/payments/<id>`). */
const PATHS: Record<Route, string> = {
  dashboard: 'dashboard',
  participants: 'participants',
  'my-organization': 'my-organization',
  imts: 'imts',
  'imts-payments': 'imts/payments',
};

/** Longest paths first, so `imts/payments` wins over `imts`. */
const BY_LENGTH = (Object.entries(PATHS) as [Route, string][]).sort(([, a], [, b]) => b.length - a.length);

export interface Location {
  route: Route;
  /** The item a screen shows in detail (decoded), e.g. a payment id. */
  detail: string | undefined;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return undefined;
  }
}

function parse(hash: string): Location {
  const path = (hash.replace(/^#\/?/, '').split('?')[0] ?? '').replace(/\/+$/, '');
  for (const [route, prefix] of BY_LENGTH) {
    if (path === prefix) return { route, detail: undefined };
    if (path.startsWith(`${prefix}/`)) {
      // only payments take a detail; other screens ignore trailing segments
      const rest = path.slice(prefix.length + 1);
      return { route, detail: route === 'imts-payments' ? decode(rest) : undefined };
    }
  }
  return { route: 'dashboard', detail: undefined };
}

export const hrefOf = (route: Route, detail?: string): string =>
  `#/${PATHS[route]}${detail ? `/${encodeURIComponent(detail)}` : ''}`;

/** The current screen, kept in the URL hash so reloads and the back button work. */
export function useHashRoute(): [Route, (route: Route, detail?: string) => void, string | undefined] {
  const [location, setLocation] = useState<Location>(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (route: Route, detail?: string) => {
    const current = parse(window.location.hash);
    if (current.route !== route || current.detail !== detail || !window.location.hash) {
      window.location.hash = hrefOf(route, detail);
    }
    setLocation({ route, detail });
  };
  return [location.route, navigate, location.detail];
}
