import { useEffect } from 'react';
import type { FleetApi } from '../../shared/fleet-api';
import { AgentGrid } from './components/agent-grid';
import { AgentTable } from './components/agent-table';
import { DetailsPanel } from './components/details-panel';
import { DisconnectedBanner } from './components/disconnected-banner';
import { EmptyState } from './components/empty-state';
import { ExhaustDialog } from './components/exhaust-dialog';
import { FleetHeader } from './components/fleet-header';
import { SelectionBar } from './components/selection-bar';
import { SettingsView } from './components/settings-view';
import { SignIn, type SignInProps } from './components/sign-in';
import { StatusAnnouncer } from './components/status-announcer';
import { StatusMap } from './components/status-map';
import { TransportContext } from './components/transport-context';
import { useTabTitle } from './components/use-tab-title';
import { startClock } from './store/clock-store';
import { useFleetStore, type Connection } from './store/fleet-store';
import type { StreamTrouble } from './transport/http-transport';

export interface AppProps {
  readonly api: FleetApi;
  /** Subscribes to changes; the first delta of each connection is a reset (and makes the page live). */
  readonly subscribe: (onTrouble: (trouble: StreamTrouble) => void) => () => void;
  /** Signs in again with a pasted token once the port refuses the page's (headless mode). */
  readonly signIn?: SignInProps['onSignIn'];
}

const onTrouble = (trouble: StreamTrouble) =>
  useFleetStore.setState(
    trouble.kind === 'signed_out'
      ? { connection: 'signed_out', signInMessage: trouble.message }
      : { connection: 'unreachable', connectionReason: trouble.reason ?? null },
  );

/** The operator UI: header, grid or settings, details panel, exhaust dialog. */
export function App({ api, subscribe, signIn }: AppProps) {
  const connection = useFleetStore((s) => s.connection);
  const screen = useFleetStore((s) => s.screen);
  const empty = useFleetStore((s) => s.agents.size === 0);
  const notice = useFleetStore((s) => s.notice);
  const view = useFleetStore((s) => s.view);

  useTabTitle();
  useEffect(() => startClock(), []);
  useEffect(() => subscribe(onTrouble), [subscribe]);

  if (connection === 'signed_out') return <SignIn {...(signIn ? { onSignIn: signIn } : {})} />;
  // Nothing of the fleet until the port has accepted the token and sent it.
  if (connection === 'loading') return <Connecting />;
  return (
    <TransportContext.Provider value={api}>
      <div className="app">
        <header className="app-header">
          <h1>Fleet Monitor</h1>
          <ConnectionState connection={connection} />
          <nav aria-label="Views">
            <button type="button" aria-pressed={screen === 'grid'} onClick={() => useFleetStore.setState({ screen: 'grid' })}>
              Fleet
            </button>
            <button type="button" aria-pressed={screen === 'settings'} onClick={() => useFleetStore.setState({ screen: 'settings' })}>
              Settings
            </button>
          </nav>
        </header>
        <DisconnectedBanner />
        {notice && (
          <div className="notice" role="alert">
            {notice}
            <button type="button" onClick={() => useFleetStore.setState({ notice: null })} aria-label="Dismiss">
              ×
            </button>
          </div>
        )}
        {screen === 'settings' ? (
          <SettingsView />
        ) : (
          <main className="main">
            <FleetHeader />
            <SelectionBar />
            <div className="workspace">
              {connection === 'live' && empty ? <EmptyState /> : view === 'table' ? <AgentTable /> : view === 'map' ? <StatusMap /> : <AgentGrid />}
              <DetailsPanel />
            </div>
          </main>
        )}
        <ExhaustDialog />
        <StatusAnnouncer />
      </div>
    </TransportContext.Provider>
  );
}

function Connecting() {
  return (
    <main className="sign-in" aria-busy="true">
      <h1>Fleet Monitor</h1>
      <p role="status">Connecting…</p>
    </main>
  );
}

function ConnectionState({ connection }: { connection: Connection }) {
  const fleetLoading = useFleetStore((s) => s.fleetLoading);
  const reason = useFleetStore((s) => s.connectionReason);
  const received = useFleetStore((s) => (s.fleetLoading ? s.agents.size : 0));
  const text =
    connection === 'live' && fleetLoading
      ? `Loading the fleet… ${received.toLocaleString()} agents so far`
      : connection === 'unreachable' && reason
        ? `Reconnecting… ${reason}`
        : { loading: 'Connecting…', live: 'Live', unreachable: 'Reconnecting…', signed_out: '' }[connection];
  return (
    <span className={`connection connection-${connection}`} role="status">
      {text}
    </span>
  );
}

