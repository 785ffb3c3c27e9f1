import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { dropSessionToken, takeSessionToken } from './lib/session-token';
import { applyDelta, useFleetStore } from './store/fleet-store';
import { followBridge } from './transport/follow-bridge';
import { HttpTransport, type StreamTrouble } from './transport/http-transport';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

/**
 * Picks the transport: the desktop app's preload bridge when present, else the
 * headless port over HTTP with the tab's operator token.
 */
function boot() {
  if (window.fleet) {
    const api = window.fleet;
    return {
      api,
      subscribe: () => followBridge(api, applyDelta, (notice) => useFleetStore.setState({ notice, connection: 'unreachable' })),
    };
  }
  const token = takeSessionToken(window.location, window.history, window.sessionStorage);
  if (!token) {
    useFleetStore.setState({ connection: 'signed_out' });
    return { api: new HttpTransport(''), subscribe: () => () => {} };
  }
  const api = new HttpTransport(token);
  return {
    api,
    subscribe: (onTrouble: (trouble: StreamTrouble) => void) =>
      api.onAgentsChanged(applyDelta, (trouble) => {
        if (trouble.kind === 'signed_out') dropSessionToken(window.sessionStorage);
        onTrouble(trouble);
      }),
  };
}

const { api, subscribe } = boot();
createRoot(root).render(
  <StrictMode>
    <App api={api} subscribe={subscribe} />
  </StrictMode>,
);
