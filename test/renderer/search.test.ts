import { describe, expect, it } from 'vitest';
import { matchesSearch, parseSearch } from '../../renderer/src/lib/search';
import { computeView, DEFAULT_VIEW_QUERY } from '../../renderer/src/store/view';
import { makeAgent } from './fixtures';

const fleet = [
  makeAgent('build-1', { name: 'Build bot', labels: { team: 'infra', region: 'eu' } }),
  makeAgent('build-2', { name: 'Build bot', labels: { team: 'infra', region: 'us' } }),
  makeAgent('web-1', { name: 'Web', labels: { team: 'web', region: 'eu', stage: 'staging' } }),
  makeAgent('infra-probe', { name: null, labels: { team: 'infrastructure' } }),
];

const found = (text: string) => fleet.filter((agent) => matchesSearch(agent, parseSearch(text))).map((a) => a.id);

describe('search terms', () => {
  it.each([
    ['', ['build-1', 'build-2', 'web-1', 'infra-probe']],
    ['   ', ['build-1', 'build-2', 'web-1', 'infra-probe']],
    // key=value is a label, exactly: team=infra is not team=infrastructure.
    ['team=infra', ['build-1', 'build-2']],
    ['TEAM=INFRA', ['build-1', 'build-2']],
    // Every term must match.
    ['team=infra region=eu', ['build-1']],
    ['region=eu team=infra', ['build-1']],
    // A leading - excludes, a label or words.
    ['region=eu -team=web', ['build-1']],
    ['-team=infra', ['web-1', 'infra-probe']],
    ['build -2', ['build-1']],
    // key= is any value of that label.
    ['stage=', ['web-1']],
    ['-stage=', ['build-1', 'build-2', 'infra-probe']],
    // Anything else: the id, the name or a label's key=value, case aside.
    ['infra', ['build-1', 'build-2', 'infra-probe']],
    ['bot', ['build-1', 'build-2']],
    ['"build bot"', ['build-1', 'build-2']],
    ['build bot', ['build-1', 'build-2']],
    ['"team=web"', ['web-1']],
    ['nothing-like-it', []],
    // A lone minus, or an empty phrase, is no term.
    ['- ""', ['build-1', 'build-2', 'web-1', 'infra-probe']],
  ])('%j finds %j', (text, ids) => {
    expect(found(text)).toEqual(ids);
  });
});

describe('natural sort', () => {
  it('orders by name as people count: "agent 9" before "agent 10", case aside; ties by id the same way', () => {
    const agents = ['agent 10', 'Agent 9', 'agent 1', 'agent 100', 'agent 2'].map((name, i) => makeAgent(`id-${i}`, { name }));
    const twins = [makeAgent('x-10', { name: 'twin' }), makeAgent('x-9', { name: 'twin' })];
    const view = computeView(new Map([...agents, ...twins].map((a) => [a.id, a])), { ...DEFAULT_VIEW_QUERY, sort: 'name' });
    const names = view.visibleIds.map((id) => [...agents, ...twins].find((a) => a.id === id)!);
    expect(names.map((a) => a.name)).toEqual(['agent 1', 'agent 2', 'Agent 9', 'agent 10', 'agent 100', 'twin', 'twin']);
    expect(names.slice(-2).map((a) => a.id)).toEqual(['x-9', 'x-10']);
  });
});
