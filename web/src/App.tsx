// The shell: sign-in gate, navigation, and the page for the current path. Pages other than the
// overview are split into their own chunks so the first load stays small.
import { Suspense, useEffect, useState, type ComponentType, type ReactNode } from "react";
import { api } from "./api/client";
import type { Webhook } from "./api/types";
import { ConfirmProvider } from "./components/ConfirmDialog";
import { AuthProvider, useAuth } from "./lib/auth";
import { Link, matchPath, useLocation } from "./lib/router";
import { LoginPage } from "./pages/Login";
import { OverviewPage } from "./pages/Overview";

// Pages load as separate chunks, fetched in the background once the shell is up so that moving
// between pages never waits. A page already loaded renders without suspending: React 19 holds a
// revealed Suspense boundary back for up to 300 ms to avoid flicker, which is pure latency for a
// chunk that is already in memory.
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  const preload = () =>
    (pending ??= load().then((component) => {
      loaded = component;
    }));
  function Page(props: P) {
    if (!loaded) throw preload();
    const Loaded = loaded;
    return <Loaded {...props} />;
  }
  Page.preload = preload;
  return Page;
}

const LiveFeedPage = lazyPage(() => import("./pages/LiveFeed").then((m) => m.LiveFeedPage));
const AttackersPage = lazyPage(() => import("./pages/Attackers").then((m) => m.AttackersPage));
const AttackerDetailPage = lazyPage(() => import("./pages/AttackerDetail").then((m) => m.AttackerDetailPage));
const CredentialsPage = lazyPage(() => import("./pages/Credentials").then((m) => m.CredentialsPage));
const WorkersPage = lazyPage(() => import("./pages/Workers").then((m) => m.WorkersPage));
const UsersPage = lazyPage(() => import("./pages/Users").then((m) => m.UsersPage));
const WebhooksPage = lazyPage(() => import("./pages/Webhooks").then((m) => m.WebhooksPage));
const TechniquesPage = lazyPage(() => import("./pages/Techniques").then((m) => m.TechniquesPage));
const RulesPage = lazyPage(() => import("./pages/Rules").then((m) => m.RulesPage));
const IdentitiesPage = lazyPage(() => import("./pages/Identities").then((m) => m.IdentitiesPage));
const IdentityDetailPage = lazyPage(() => import("./pages/IdentityDetail").then((m) => m.IdentityDetailPage));
const CampaignsPage = lazyPage(() => import("./pages/Campaigns").then((m) => m.CampaignsPage));
const DeckiesPage = lazyPage(() => import("./pages/Deckies").then((m) => m.DeckiesPage));
const DeckyDetailPage = lazyPage(() => import("./pages/DeckyDetail").then((m) => m.DeckyDetailPage));
const CampaignDetailPage = lazyPage(() => import("./pages/CampaignDetail").then((m) => m.CampaignDetailPage));

const ROUTE_PAGES: [string, { preload: () => Promise<void> }][] = [
  ["/live", LiveFeedPage],
  ["/attackers/", AttackerDetailPage],
  ["/attackers", AttackersPage],
  ["/credentials", CredentialsPage],
  ["/identities/", IdentityDetailPage],
  ["/identities", IdentitiesPage],
  ["/campaigns/", CampaignDetailPage],
  ["/campaigns", CampaignsPage],
  ["/techniques/rules", RulesPage],
  ["/techniques", TechniquesPage],
  ["/deckies/", DeckyDetailPage],
  ["/deckies", DeckiesPage],
  ["/workers", WorkersPage],
  ["/users", UsersPage],
  ["/webhooks", WebhooksPage],
];

// Started before sign-in is checked, in parallel with GET /auth/me, so a direct link or a
// reload usually finds its page's chunk loaded by the time the shell renders.
export function preloadRoute(path: string): void {
  const hit = ROUTE_PAGES.find(([prefix]) => path.startsWith(prefix));
  if (hit) void hit[1].preload().catch(() => {});
}

function preloadAll(): void {
  for (const [, page] of ROUTE_PAGES) void page.preload().catch(() => {});
}

interface NavItem {
  href: string;
  label: string;
  adminOnly?: boolean;
}

const NAV: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/live", label: "Live feed" },
  { href: "/attackers", label: "Attackers" },
  { href: "/identities", label: "Identities" },
  { href: "/credentials", label: "Credentials" },
  { href: "/techniques", label: "ATT&CK" },
  { href: "/deckies", label: "Deckies" },
  { href: "/webhooks", label: "Webhooks", adminOnly: true },
  { href: "/workers", label: "Workers & health" },
  { href: "/users", label: "Users", adminOnly: true },
];

export function App() {
  return (
    <AuthProvider>
      <ConfirmProvider>
        <Gate />
      </ConfirmProvider>
    </AuthProvider>
  );
}

function Gate() {
  const auth = useAuth();
  if (auth.checking) {
    return (
      <div className="boot" role="status">
        Loading…
      </div>
    );
  }
  return auth.me ? <Shell /> : <LoginPage />;
}

function useTrippedWebhooks(enabled: boolean): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const poll = () =>
      api
        .get<Webhook[]>("/webhooks")
        .then((hooks) => live && setCount(hooks.filter((h) => h.state === "tripped").length))
        .catch(() => {});
    void poll();
    const timer = window.setInterval(poll, 30_000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [enabled]);
  return count;
}

function Shell() {
  const auth = useAuth();
  const location = useLocation();
  const isAdmin = auth.me!.role === "admin";
  const tripped = useTrippedWebhooks(isAdmin);
  useEffect(() => {
    const idle = window.setTimeout(preloadAll, 500);
    return () => window.clearTimeout(idle);
  }, []);

  const active = (href: string) => (href === "/" ? location.path === "/" : location.path.startsWith(href));

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <path d="M8 22 16 8l8 14z" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
            <circle cx="16" cy="18" r="2.2" fill="#f0b429" />
          </svg>
          DECNET
        </div>
        <ul>
          {NAV.filter((n) => !n.adminOnly || isAdmin).map((n) => (
            <li key={n.href}>
              <Link href={n.href} aria-current={active(n.href) ? "page" : undefined}>
                {n.label}
                {n.href === "/webhooks" && tripped > 0 && (
                  <span className="badge badge-bad" title={`${tripped} tripped`}>
                    {tripped}
                    <span className="sr-only"> tripped</span>
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
        <div className="whoami">
          <span>
            {auth.me!.username} <span className="muted">({auth.me!.role})</span>
          </span>
          <button type="button" onClick={() => void auth.logout()}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense
          fallback={
            <div className="table-state" role="status">
              Loading…
            </div>
          }
        >
          <Route path={location.path} isAdmin={isAdmin} />
        </Suspense>
      </main>
    </div>
  );
}

function Route({ path, isAdmin }: { path: string; isAdmin: boolean }): ReactNode {
  if (path === "/") return <OverviewPage />;
  if (path === "/live") return <LiveFeedPage />;
  if (path === "/attackers") return <AttackersPage />;
  const detail = matchPath("/attackers/:uuid", path);
  if (detail) return <AttackerDetailPage uuid={detail.uuid} />;
  if (path === "/credentials") return <CredentialsPage />;
  if (path === "/identities") return <IdentitiesPage />;
  const identity = matchPath("/identities/:uuid", path);
  if (identity) return <IdentityDetailPage uuid={identity.uuid} />;
  if (path === "/campaigns") return <CampaignsPage />;
  const campaign = matchPath("/campaigns/:uuid", path);
  if (campaign) return <CampaignDetailPage uuid={campaign.uuid} />;
  if (path === "/techniques") return <TechniquesPage />;
  if (path === "/techniques/rules") return <RulesPage isAdmin={isAdmin} />;
  if (path === "/deckies") return <DeckiesPage isAdmin={isAdmin} />;
  const decky = matchPath("/deckies/:name", path);
  if (decky) return <DeckyDetailPage name={decky.name} isAdmin={isAdmin} />;
  if (path === "/workers") return <WorkersPage isAdmin={isAdmin} />;
  if (path === "/users" && isAdmin) return <UsersPage />;
  if (path === "/webhooks" && isAdmin) return <WebhooksPage />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Back to the overview</Link>.
      </p>
    </section>
  );
}
