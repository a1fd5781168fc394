import {
  canMonitorIps,
  canSearchAliases,
  canUseDisputes,
  canUseIps,
  hasAfcInbox,
  hasKnowledgeBase,
  reportsFraud,
} from '../roles.ts';
import type { Me } from '../types.ts';
import { hrefOf, type Route } from '../useHashRoute.ts';

export interface Tab {
  route: Route;
  label: string;
  /** Screens under this tab: it is shown as current on any of them. */
  covers?: Route[];
}

/** The screens of one system (IMTS, ICS), as tabs under the page title. */
export function Tabs({ label, tabs, current }: { label: string; tabs: readonly Tab[]; current: Route }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => {
        const active = (t.covers ?? [t.route]).includes(current);
        return (
          <a
            key={t.route}
            href={hrefOf(t.route)}
            className={active ? 'tab active' : 'tab'}
            aria-current={active ? 'page' : undefined}
          >
            {t.label}
          </a>
        );
      })}
    </nav>
  );
}

const IMTS_TABS: readonly Tab[] = [
  { route: 'imts', label: 'Monitor' },
  { route: 'imts-payments', label: 'Payments' },
];

export const ImtsTabs = ({ current }: { current: Route }) => <Tabs label="IMTS" tabs={IMTS_TABS} current={current} />;

const ICS_TABS: readonly Tab[] = [
  { route: 'ics', label: 'Cycles', covers: ['ics', 'ics-cycles'] },
  { route: 'ics-payments', label: 'Payments' },
];

export const IcsTabs = ({ current }: { current: Route }) => <Tabs label="ICS" tabs={ICS_TABS} current={current} />;

/** The IPS screens this user may open: oversight has the monitor and the alias search, banks do not. */
export function ipsTabsOf(me: Me): Tab[] {
  return [
    ...(canUseIps(me) ? [{ route: 'ips', label: 'Payments' } satisfies Tab] : []),
    ...(canUseDisputes(me) ? [{ route: 'ips-disputes', label: 'Disputes' } satisfies Tab] : []),
    ...(canMonitorIps(me) ? [{ route: 'ips-monitor', label: 'Monitor' } satisfies Tab] : []),
    ...(canSearchAliases(me) ? [{ route: 'ips-aliases', label: 'Alias search' } satisfies Tab] : []),
    { route: 'ips-tariffs', label: 'Tariffs' },
  ];
}

/** The IPS tabs; none when the user has only one IPS screen (the tariffs). */
export function IpsTabs({ me, current }: { me: Me; current: Route }) {
  const tabs = ipsTabsOf(me);
  return tabs.length > 1 ? <Tabs label="IPS" tabs={tabs} current={current} /> : null;
}

/** The Anti-Fraud Center screens this user may open: reporters file, the regulator has no inbox. */
export function afcTabsOf(me: Me): Tab[] {
  return [
    { route: 'afc', label: 'Incidents' },
    ...(reportsFraud(me) ? [{ route: 'afc-file', label: 'File incident' } satisfies Tab] : []),
    ...(hasAfcInbox(me) ? [{ route: 'afc-inbox', label: 'Inbox' } satisfies Tab] : []),
    { route: 'afc-lists', label: 'List search' },
    { route: 'afc-stats', label: 'Analytics' },
    ...(hasKnowledgeBase(me) ? [{ route: 'afc-knowledge', label: 'Knowledge base' } satisfies Tab] : []),
  ];
}

export const AfcTabs = ({ me, current }: { me: Me; current: Route }) => (
  <Tabs label="Anti-fraud" tabs={afcTabsOf(me)} current={current} />
);
