import { useEffect, useState } from 'react';

export type Route =
  | 'dashboard'
  | 'participants'
  | 'my-organization'
  | 'imts'
  | 'imts-payments'
  | 'ics'
  | 'ics-cycles'
  | 'ics-payments'
  | 'ips'
  | 'ips-monitor'
  | 'ips-aliases'
  | 'ips-tariffs'
  | 'ips-disputes'
  | 'merchants'
  | 'afc'
  | 'afc-file'
  | 'afc-inbox'
  | 'afc-lists'
  | 'afc-stats'
  | 'afc-knowledge';

/**
 * The hash path of each screen. A screen with details takes more segments (`#/imts/payments/<id>`,
 * `#/ics/cycles/<cycle id>/<BIC>`), and a screen may keep its filter in a query (`#/ics/payments?cycle=…`).
 */
const PATHS: Record<Route, string> = {
  dashboard: 'dashboard',
  participants: 'participants',
  'my-organization': 'my-organization',
  imts: 'imts',
  'imts-payments': 'imts/payments',
  ics: 'ics',
  'ics-cycles': 'ics/cycles',
  'ics-payments': 'ics/payments',
  ips: 'ips/payments',
  'ips-monitor': 'ips/monitor',
  'ips-aliases': 'ips/aliases',
  'ips-tariffs': 'ips/tariffs',
  'ips-disputes': 'ips/disputes',
  merchants: 'merchants',
  afc: 'afc/incidents',
  'afc-file': 'afc/file',
  'afc-inbox': 'afc/inbox',
  'afc-lists': 'afc/lists',
  'afc-stats': 'afc/statistics',
  'afc-knowledge': 'afc/knowledge',
};

/** Screens that show an item in detail; other screens ignore trailing segments. */
const WITH_DETAIL: ReadonlySet<Route> = new Set([
  'imts-payments',
  'ics-cycles',
  'ics-payments',
  'ips',
  'ips-disputes',
  'merchants',
  'afc',
  'afc-knowledge',
]);

/** Longest paths first, so `imts/payments` wins over `imts`. */
const BY_LENGTH = (Object.entries(PATHS) as [Route, string][]).sort(([, a], [, b]) => b.length - a.length);

export interface Location {
  route: Route;
  /** The item a screen shows in detail (decoded), e.g. a payment id; segments are joined by '/'. */
  detail: string | undefined;
  /** The query after '?', e.g. `cycle=2026-01-05%231&status=rejected` ('' when none). */
  query: string;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return undefined;
  }
}

function parse(hash: string): Location {
  const [rawPath = '', ...rest] = hash.replace(/^#\/?/, '').split('?');
  const path = rawPath.replace(/\/+$/, '');
  const query = rest.join('?');
  for (const [route, prefix] of BY_LENGTH) {
    if (path === prefix) return { route, detail: undefined, query };
    if (path.startsWith(`${prefix}/`)) {
      const detail = WITH_DETAIL.has(route) ? decode(path.slice(prefix.length + 1)) : undefined;
      return { route, detail, query };
    }
  }
  return { route: 'dashboard', detail: undefined, query: '' };
}

/** The hash of a screen; each '/'-separated part of `detail` is encoded on its own. */
export const hrefOf = (route: Route, detail?: string, query?: string): string =>
  `#/${PATHS[route]}${detail ? `/${detail.split('/').map(encodeURIComponent).join('/')}` : ''}${query ? `?${query}` : ''}`;

/**
 * The current screen, kept in the URL hash so reloads and the back button work: the route, a function
 * to go elsewhere, the detail segment and the query.
 */
export function useHashRoute(): [
  Route,
  (route: Route, detail?: string, query?: string) => void,
  string | undefined,
  string,
] {
  const [location, setLocation] = useState<Location>(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (route: Route, detail?: string, query?: string) => {
    const target = hrefOf(route, detail, query);
    if (window.location.hash !== target) window.location.hash = target;
    setLocation({ route, detail, query: query ?? '' });
  };
  return [location.route, navigate, location.detail, location.query];
}
