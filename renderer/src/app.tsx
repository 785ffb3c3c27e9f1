import { AGENT_STATUSES } from '../../shared/status';

/**
 * The application frame. The live grid, dialogs and settings mount here
 * (issue 5); until then it shows the status legend the grid will use.
 */
export function App() {
  return (
    <main>
      <h1>Fleet Monitor</h1>
      <ul aria-label="Statuses">
        {AGENT_STATUSES.map((status) => (
          <li key={status} data-status={status}>
            {status.replace('_', ' ')}
          </li>
        ))}
      </ul>
    </main>
  );
}
