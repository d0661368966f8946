// Who is signed in. The token lives in localStorage so a reload keeps the session; it is dropped
// when it expires, when any request answers 401 (revoked, role changed, password reset), and on
// logout, which also revokes it on the server.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { api, loadSession, saveSession } from "../api/client";
import type { LoginResponse, Me } from "../api/types";

export interface Auth {
  me: Me | null;
  checking: boolean;
  login: (username: string, password: string) => Promise<LoginResponse>;
  changePassword: (username: string, oldPassword: string, newPassword: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);

  const drop = useCallback(() => {
    saveSession(null);
    api.setToken(null);
    setMe(null);
  }, []);

  useEffect(() => {
    const session = loadSession();
    if (!session) {
      setChecking(false);
      return;
    }
    api.setToken(session.token);
    api
      .get<Me>("/auth/me")
      .then((who) => (who.must_change_password ? drop() : setMe(who)))
      .catch(drop)
      .finally(() => setChecking(false));
  }, [drop]);

  useEffect(() => {
    window.addEventListener("decnet:logout", drop);
    return () => window.removeEventListener("decnet:logout", drop);
  }, [drop]);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api.post<LoginResponse>("/auth/login", { username, password });
    api.setToken(answer.access_token);
    if (answer.must_change_password) return answer;
    saveSession({ token: answer.access_token, expiresAt: answer.expires_at });
    setMe(await api.get<Me>("/auth/me"));
    return answer;
  }, []);

  // Changing the password ends every earlier session, the one used for the change included, so
  // the dashboard signs in again with the new password.
  const changePassword = useCallback(
    async (username: string, oldPassword: string, newPassword: string) => {
      await api.post("/auth/change-password", { old_password: oldPassword, new_password: newPassword });
      api.setToken(null);
      await login(username, newPassword);
    },
    [login],
  );

  const logout = useCallback(async () => {
    try {
      await api.post("/auth/logout");
    } catch {
      // Already invalid on the server; dropping it locally is all that is left to do.
    }
    drop();
  }, [drop]);

  return <AuthContext.Provider value={{ me, checking, login, changePassword, logout }}>{children}</AuthContext.Provider>;
}
