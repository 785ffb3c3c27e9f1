import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { takeLinkSecret } from './lib/session-token';
import { startUrlSync } from './lib/url-sync';
import { applyDelta, markLive, useFleetStore } from './store/fleet-store';
import { followBridge } from './transport/follow-bridge';
import { WebSession } from './transport/web-session';
import { WebApp } from './web-app';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

/**
 * The desktop app's preload bridge when present; else headless mode over
 * HTTP, signing in first. The link's secret leaves the address bar and
 * history before anything renders, and its code is traded once, right away.
 */
function boot() {
  if (window.fleet) {
    const api = window.fleet;
    const subscribe = () => followBridge(api, applyDelta, (notice) => useFleetStore.setState({ notice, connection: 'unreachable' }), markLive);
    return <App api={api} subscribe={subscribe} />;
  }
  const session = new WebSession(window.sessionStorage);
  const link = takeLinkSecret(window.location, window.history);
  if (link?.kind === 'token') session.keep(link.token);
  return <WebApp session={session} signingIn={link?.kind === 'code' ? session.redeem(link.code) : null} />;
}

const app = boot();
// After the link's secret has left the address bar: the query (view, filters, open agent…) is the page's state.
startUrlSync(window);
createRoot(root).render(<StrictMode>{app}</StrictMode>);
