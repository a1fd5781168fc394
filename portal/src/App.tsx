import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, errorMessage, setUnauthorizedHandler } from './api.ts';
import { Shell } from './components/Shell.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { MyOrganizationPage } from './pages/MyOrganizationPage.tsx';
import { ParticipantsPage } from './pages/ParticipantsPage.tsx';
import { canListParticipants } from './roles.ts';
import type { Me } from './types.ts';
import { type Route, useHashRoute } from './useHashRoute.ts';

type Session = { state: 'loading' } | { state: 'anonymous'; notice?: string } | { state: 'signed-in'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [route, navigate] = useHashRoute();

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
  // A participant's staff never land on the registry, and oversight staff have no "my organization" screen.
  const effective: Route =
    route === 'participants' && !seesRegistry
      ? 'dashboard'
      : route === 'my-organization' && seesRegistry
        ? 'dashboard'
        : route;

  return (
    <Shell me={me} route={effective} onNavigate={navigate} onLogout={logout}>
      {effective === 'dashboard' && <DashboardPage />}
      {effective === 'participants' && <ParticipantsPage me={me} />}
      {effective === 'my-organization' && <MyOrganizationPage />}
    </Shell>
  );
}
