import { useState, type FormEvent } from "react";
import { ApiError, errorText } from "../api/client";
import { useAuth } from "../lib/auth";
import { passwordAcceptable, passwordChecks } from "../lib/password";

export function LoginPage() {
  const auth = useAuth();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [mustChange, setMustChange] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await auth.login(username, password);
      if (answer.must_change_password) setMustChange(true);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? "Incorrect username or password." : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (mustChange) return <ChangePasswordForm username={username} oldPassword={password} />;

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">DECNET</h1>
        <p className="muted">Sign in to the deception network.</p>
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

function ChangePasswordForm({ username, oldPassword }: { username: string; oldPassword: string }) {
  const auth = useAuth();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const checks = passwordChecks(password, confirm);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!passwordAcceptable(password, confirm)) return;
    setBusy(true);
    setError(null);
    try {
      await auth.changePassword(username, oldPassword, password);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="change-title">
        <h1 id="change-title">Choose a new password</h1>
        <p className="muted">This account must set its own password before going on.</p>
        <label>
          New password
          <input name="new-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
        </label>
        <label>
          Confirm new password
          <input name="confirm-password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required />
        </label>
        <ul className="checklist" aria-label="Password rules">
          {checks.map((c) => (
            <li key={c.label} className={c.ok ? "ok" : "pending"}>
              <span aria-hidden="true">{c.ok ? "✓" : "○"}</span> {c.label}
              <span className="sr-only">{c.ok ? " (met)" : " (not met)"}</span>
            </li>
          ))}
        </ul>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !passwordAcceptable(password, confirm)}>
          {busy ? "Saving…" : "Set password"}
        </button>
      </form>
    </main>
  );
}
