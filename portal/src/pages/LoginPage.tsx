import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { Alert } from '../components/Alert.tsx';
import { Field } from '../components/Field.tsx';
import type { Me } from '../types.ts';

interface Props {
  notice?: string | undefined;
  onSignedIn: (me: Me) => void;
}

export function LoginPage({ notice, onSignedIn }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const code = totp.replace(/\s+/g, '');
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    if (!/^\d{6}$/.test(code)) {
      setError('Enter the 6-digit one-time code from your authenticator app.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const me = await api.login(username.trim(), password, code);
      onSignedIn(me);
    } catch (err) {
      setError(errorMessage(err));
      setTotp('');
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            N
          </span>
          <div>
            <h1>NDFI Portal</h1>
            <p className="muted">National Payment Infrastructure · staff sign-in</p>
          </div>
        </div>
        {notice && !error && <Alert tone="info">{notice}</Alert>}
        {error && <Alert>{error}</Alert>}
        <form onSubmit={submit} noValidate aria-label="Sign in">
          <Field label="Username">
            {({ id }) => (
              <input
                id={id}
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            )}
          </Field>
          <Field label="Password">
            {({ id }) => (
              <input
                id={id}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <Field label="One-time code" hint="6-digit code from your authenticator app">
            {({ id, describedBy }) => (
              <input
                id={id}
                name="totp"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={10}
                required
                aria-describedby={describedBy}
                value={totp}
                onChange={(e) => setTotp(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="login-foot muted">Authorized personnel only. All access is logged.</p>
      </div>
    </div>
  );
}
