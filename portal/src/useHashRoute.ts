import { useEffect, useState } from 'react';

export type Route = 'dashboard' | 'participants' | 'my-organization';

const ROUTES: readonly Route[] = ['dashboard', 'participants', 'my-organization'];

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'dashboard';
}

export const hrefOf = (route: Route): string => `#/${route}`;

/** The current screen, kept in the URL hash so reloads and the back button work. */
export function useHashRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (next: Route) => {
    if (parse(window.location.hash) !== next || !window.location.hash) window.location.hash = hrefOf(next);
    setRoute(next);
  };
  return [route, navigate];
}
