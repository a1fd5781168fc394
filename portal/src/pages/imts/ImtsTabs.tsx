import { hrefOf, type Route } from '../../useHashRoute.ts';

const TABS: { route: Route; label: string }[] = [
  { route: 'imts', label: 'Monitor' },
  { route: 'imts-payments', label: 'Payments' },
];

/** The IMTS screens, as tabs under the page title. */
export function ImtsTabs({ current }: { current: Route }) {
  return (
    <nav className="tabs" aria-label="IMTS">
      {TABS.map((t) => (
        <a
          key={t.route}
          href={hrefOf(t.route)}
          className={t.route === current ? 'tab active' : 'tab'}
          aria-current={t.route === current ? 'page' : undefined}
        >
          {t.label}
        </a>
      ))}
    </nav>
  );
}
