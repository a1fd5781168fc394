import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiError, api, errorMessage, setUnauthorizedHandler } from './api.ts';
import { Shell } from './components/Shell.tsx';
import { FileIncidentPage } from './pages/afc/FileIncidentPage.tsx';
import { InboxPage } from './pages/afc/InboxPage.tsx';
import { IncidentsPage } from './pages/afc/IncidentsPage.tsx';
import { KnowledgePage } from './pages/afc/KnowledgePage.tsx';
import { ListSearchPage } from './pages/afc/ListSearchPage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { IcsCyclePage } from './pages/ics/IcsCyclePage.tsx';
import { IcsCyclesPage } from './pages/ics/IcsCyclesPage.tsx';
import { IcsPaymentsPage } from './pages/ics/IcsPaymentsPage.tsx';
import { ImtsMonitorPage } from './pages/imts/ImtsMonitorPage.tsx';
import { ImtsPaymentsPage } from './pages/imts/ImtsPaymentsPage.tsx';
import { AliasSearchPage } from './pages/ips/AliasSearchPage.tsx';
import { DisputesPage } from './pages/ips/DisputesPage.tsx';
import { IpsPaymentsPage } from './pages/ips/IpsPaymentsPage.tsx';
import { MerchantsPage } from './pages/ips/MerchantsPage.tsx';
import { TariffsPage } from './pages/ips/TariffsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { MyOrganizationPage } from './pages/MyOrganizationPage.tsx';
import { ParticipantsPage } from './pages/ParticipantsPage.tsx';
import {
  canAcquireMerchants,
  canListParticipants,
  canMonitorIps,
  canReadTariffs,
  canSearchAliases,
  canUseAfc,
  canUseDisputes,
  canUseIcs,
  canUseImts,
  canUseIps,
  hasAfcInbox,
  hasKnowledgeBase,
  reportsFraud,
} from './roles.ts';
import type { Me } from './types.ts';
import { type Route, useHashRoute } from './useHashRoute.ts';

/** The monitor and its chart library load only when oversight opens it. */
const IpsMonitorPage = lazy(() =>
  import('./pages/ips/IpsMonitorPage.tsx').then((m) => ({ default: m.IpsMonitorPage })),
);

/** Anti-fraud analytics and its chart library load only when opened. */
const StatisticsPage = lazy(() =>
  import('./pages/afc/StatisticsPage.tsx').then((m) => ({ default: m.StatisticsPage })),
);

const AFC_ROUTES: ReadonlySet<Route> = new Set([
  'afc',
  'afc-file',
  'afc-inbox',
  'afc-lists',
  'afc-stats',
  'afc-knowledge',
]);

type Session = { state: 'loading' } | { state: 'anonymous'; notice?: string } | { state: 'signed-in'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [route, navigate, detail, query] = useHashRoute();

  useEffect(() => {
    let cancelled = false;
    api
      .me()
      .then((me) => !cancelled && setSession({ state: 'signed-in', me }))
      .catch((err: unknown) => {
        if (cancelled) return;
        const notice = err instanceof ApiError && err.status === 401 ? undefined : errorMessage(err);
        setSession({ state: 'anonymous', ...(notice ? { notice } : {}) });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() =>
      setSession({ state: 'anonymous', notice: 'Your session has ended. Please sign in again.' }),
    );
    return () => setUnauthorizedHandler(undefined);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // the session is dropped locally whatever the server answered
    }
    setSession({ state: 'anonymous' });
  }, []);

  if (session.state === 'loading') {
    return (
      <div className="splash" role="status">
        Loading…
      </div>
    );
  }
  if (session.state === 'anonymous') {
    return <LoginPage notice={session.notice} onSignedIn={(me) => setSession({ state: 'signed-in', me })} />;
  }

  const { me } = session;
  const seesRegistry = canListParticipants(me);
  // A participant's staff never land on the registry, oversight staff have no "my organization" screen, and
  // IMTS and ICS are for banks and oversight only; the IPS monitor and alias search for oversight only.
  const isImts = route === 'imts' || route === 'imts-payments';
  const isIcs = route === 'ics' || route === 'ics-cycles' || route === 'ics-payments';
  const effective: Route =
    route === 'participants' && !seesRegistry
      ? 'dashboard'
      : route === 'my-organization' && seesRegistry
        ? 'dashboard'
        : (isImts && !canUseImts(me)) ||
            (isIcs && !canUseIcs(me)) ||
            (route === 'ips' && !canUseIps(me)) ||
            (route === 'ips-monitor' && !canMonitorIps(me)) ||
            (route === 'ips-aliases' && !canSearchAliases(me)) ||
            (route === 'ips-tariffs' && !canReadTariffs(me)) ||
            (route === 'ips-disputes' && !canUseDisputes(me)) ||
            (route === 'merchants' && !canAcquireMerchants(me)) ||
            (AFC_ROUTES.has(route) && !canUseAfc(me)) ||
            (route === 'afc-file' && !reportsFraud(me)) ||
            (route === 'afc-inbox' && !hasAfcInbox(me)) ||
            (route === 'afc-knowledge' && !hasKnowledgeBase(me))
          ? 'dashboard'
          : route === 'ics-cycles' && !detail
            ? 'ics'
            : route;

  return (
    <Shell me={me} route={effective} onNavigate={navigate} onLogout={logout}>
      {effective === 'dashboard' && <DashboardPage />}
      {effective === 'participants' && <ParticipantsPage me={me} />}
      {effective === 'my-organization' && <MyOrganizationPage />}
      {effective === 'imts' && <ImtsMonitorPage me={me} />}
      {effective === 'imts-payments' && <ImtsPaymentsPage me={me} paymentId={detail} />}
      {effective === 'ics' && <IcsCyclesPage me={me} />}
      {effective === 'ics-cycles' && detail && <IcsCyclePage me={me} detail={detail} />}
      {effective === 'ics-payments' && <IcsPaymentsPage me={me} paymentId={detail} query={query} />}
      {effective === 'ips' && <IpsPaymentsPage me={me} paymentId={detail} />}
      {effective === 'ips-monitor' && (
        <Suspense fallback={<p className="muted">Loading the monitor…</p>}>
          <IpsMonitorPage me={me} />
        </Suspense>
      )}
      {effective === 'ips-aliases' && <AliasSearchPage me={me} />}
      {effective === 'ips-tariffs' && <TariffsPage me={me} />}
      {effective === 'ips-disputes' && <DisputesPage me={me} disputeId={detail} query={query} />}
      {effective === 'merchants' && <MerchantsPage me={me} merchantId={detail} />}
      {effective === 'afc' && <IncidentsPage me={me} incidentId={detail} query={query} />}
      {effective === 'afc-file' && <FileIncidentPage me={me} />}
      {effective === 'afc-inbox' && <InboxPage me={me} />}
      {effective === 'afc-lists' && <ListSearchPage me={me} />}
      {effective === 'afc-knowledge' && <KnowledgePage me={me} detail={detail} />}
      {effective === 'afc-stats' && (
        <Suspense fallback={<p className="muted">Loading the analytics…</p>}>
          <StatisticsPage me={me} />
        </Suspense>
      )}
    </Shell>
  );
}
