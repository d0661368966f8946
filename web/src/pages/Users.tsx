// Dashboard accounts (admin only). New accounts and reset passwords must be changed at first
// sign-in; role changes and resets end the account's open sessions on the server.
import { useState, type FormEvent } from "react";
import { api, ApiError, errorText } from "../api/client";
import type { Role, User } from "../api/types";
import { Chip } from "../components/Chip";
import { useConfirm } from "../components/ConfirmDialog";
import { DataTable, type Column } from "../components/DataTable";
import { SecretReveal } from "../components/SecretReveal";
import { Time } from "../components/Time";
import { useAuth } from "../lib/auth";
import { useApi } from "../lib/useApi";

export function UsersPage() {
  const auth = useAuth();
  const users = useApi((signal) => api.get<{ total: number; data: User[] }>("/users", undefined, signal), []);
  const [message, setMessage] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<{ username: string; password: string } | null>(null);
  const confirm = useConfirm();

  const act = async (what: () => Promise<unknown>, done: string) => {
    setMessage(null);
    try {
      await what();
      setMessage(done);
      users.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const reset = async (u: User) => {
    if (!(await confirm({ title: `Reset ${u.username}'s password?`, message: "A generated password replaces the current one and their open sessions end.", action: "Reset password" }))) return;
    try {
      const answer = await api.post<{ username: string; password: string }>(`/users/${u.uuid}/reset-password`);
      setRevealed({ username: answer.username, password: answer.password });
      users.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const remove = async (u: User) => {
    if (!(await confirm({ title: `Delete ${u.username}?`, message: "The account and its open sessions end. This cannot be undone.", action: "Delete" }))) return;
    await act(() => api.delete(`/users/${u.uuid}`), `${u.username} deleted.`);
  };

  const columns: Column<User>[] = [
    { key: "name", header: "Username", render: (u) => u.username },
    {
      key: "role",
      header: "Role",
      render: (u) =>
        u.uuid === auth.me!.uuid ? (
          <Chip tone="info">{u.role} (you)</Chip>
        ) : (
          <select aria-label={`Role of ${u.username}`} value={u.role} onChange={(e) => void act(() => api.patch(`/users/${u.uuid}/role`, { role: e.target.value }), `${u.username} is now ${e.target.value}.`)}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        ),
    },
    { key: "must", header: "Password", render: (u) => (u.must_change_password ? <Chip tone="warn">must change</Chip> : <Chip tone="good">set</Chip>) },
    { key: "created", header: "Created", render: (u) => <Time value={u.created_at} /> },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (u) =>
        u.uuid === auth.me!.uuid ? null : (
          <span className="actions">
            <button type="button" onClick={() => void reset(u)} aria-label={`Reset password of ${u.username}`}>
              Reset password
            </button>
            <button
              type="button"
              className="danger"
              aria-label={`Delete ${u.username}`}
              onClick={() => void remove(u)}
            >
              Delete
            </button>
          </span>
        ),
    },
  ];

  return (
    <section aria-labelledby="users-title">
      <header className="page-head">
        <h1 id="users-title">Users</h1>
      </header>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {revealed && <SecretReveal title={`New password for ${revealed.username}`} secret={revealed.password} onDismiss={() => setRevealed(null)} />}
      <DataTable caption="Users" columns={columns} rows={users.data?.data ?? null} rowKey={(u) => u.uuid} loading={users.loading} error={users.error} onRetry={users.reload} />
      <CreateUser onCreated={(name) => { setMessage(`${name} created; they choose their own password at first sign-in.`); users.reload(); }} />
    </section>
  );
}

function CreateUser({ onCreated }: { onCreated: (username: string) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.post("/users", { username, password, role });
      onCreated(username);
      setUsername("");
      setPassword("");
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  };

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="new-user-title">
      <h2 id="new-user-title">New account</h2>
      <label>
        Username
        <input value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} aria-invalid={!!error?.fieldMessage("username")} />
      </label>
      <label>
        Initial password
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} maxLength={72} aria-invalid={!!error?.fieldMessage("password")} />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="viewer">viewer</option>
          <option value="admin">admin</option>
        </select>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error.describe()}
        </p>
      )}
      <button type="submit" className="primary">
        Create
      </button>
    </form>
  );
}
