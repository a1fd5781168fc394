import type { ReactNode } from 'react';
import { participantTypeLabel } from '../format.ts';
import { useAfcUnread } from '../pages/afc/useAfcUnread.ts';
import { canAcquireMerchants, canListParticipants, canUseAfc, canUseIcs, canUseImts, canUseIps } from '../roles.ts';
import type { Me } from '../types.ts';
import { hrefOf, type Route } from '../useHashRoute.ts';
import { afcTabsOf, ipsTabsOf, type Tab } from './Tabs.tsx';

interface Props {
  me: Me;
  route: Route;
  onNavigate: (route: Route) => void;
  onLogout: () => void;
  children: ReactNode;
}

type NavItem = Tab & {
  /** A count after the label (unread notifications); none when 0 or undefined. */
  badge?: { count: number | undefined; label: string; testId: string };
};

export function Shell({ me, route, onNavigate, onLogout, children }: Props) {
  const unread = useAfcUnread(me, route);
  const items: NavItem[] = [
    { route: 'dashboard', label: 'Dashboard' },
    canListParticipants(me)
      ? { route: 'participants', label: 'Participants' }
      : { route: 'my-organization', label: 'My organization' },
    ...(canUseImts(me) ? [{ route: 'imts', label: 'IMTS', covers: ['imts', 'imts-payments'] } satisfies NavItem] : []),
    ...(canUseIcs(me)
      ? [{ route: 'ics', label: 'ICS', covers: ['ics', 'ics-cycles', 'ics-payments'] } satisfies NavItem]
      : []),
    canUseIps(me)
      ? { route: 'ips', label: 'IPS', covers: ipsTabsOf(me).map((t) => t.route) }
      : { route: 'ips-tariffs', label: 'IPS tariffs' },
    ...(canAcquireMerchants(me) ? [{ route: 'merchants', label: 'Merchants' } satisfies NavItem] : []),
    ...(canUseAfc(me)
      ? [
          {
            route: 'afc',
            label: 'Anti-fraud',
            covers: afcTabsOf(me).map((t) => t.route),
            badge: { count: unread, label: 'unread notifications', testId: 'nav-afc-unread' },
          } satisfies NavItem,
        ]
      : []),
  ];
  const isCurrent = (item: NavItem) => (item.covers ?? [item.route]).includes(route);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            N
          </span>
          <span className="brand-text">
            <strong>NDFI</strong>
            <span className="brand-sub">National Payment Infrastructure</span>
          </span>
        </div>
        <div className="session">
          <div className="session-who">
            <span className="session-user" data-testid="current-user">
              {me.user.displayName || me.user.username}
            </span>
            <span className="session-org" data-testid="current-organization">
              {me.participant.name}
              <span className="session-org-type"> · {participantTypeLabel(me.participant.type)}</span>
            </span>
          </div>
          <button type="button" className="btn btn-ghost-light" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <div className="body">
        <nav className="sidenav" aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.route}>
                <a
                  href={hrefOf(item.route)}
                  className={isCurrent(item) ? 'active' : undefined}
                  aria-current={isCurrent(item) ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    onNavigate(item.route);
                  }}
                >
                  {item.label}
                  {item.badge?.count ? ' ' : null}
                  {item.badge?.count ? (
                    <span
                      className="nav-badge"
                      data-testid={item.badge.testId}
                      title={`${item.badge.count} ${item.badge.label}`}
                    >
                      {item.badge.count}
                      <span className="visually-hidden"> {item.badge.label}</span>
                    </span>
                  ) : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
