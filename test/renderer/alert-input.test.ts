/** Reading the Alerts forms' text: argv one argument per line, `key=value` selectors, whole seconds, and the channel and rule they make. */
import { describe, expect, it } from 'vitest';
import { formatSelector, parseArgv, parseSelector, readChannel, readRule, type ChannelFields, type RuleFields } from '../../renderer/src/lib/alert-input';

describe('parseArgv', () => {
  it.each([
    ['/usr/bin/notify-send', ['/usr/bin/notify-send']],
    ['/usr/bin/page\n--urgent\ntwo words\n', ['/usr/bin/page', '--urgent', 'two words']],
    ['prog\r\n\r\n  \n"quoted"\n$HOME', ['prog', '"quoted"', '$HOME']],
    [' leading space\n', [' leading space']],
    ['', []],
  ])('%j → %j', (text, argv) => {
    expect(parseArgv(text)).toEqual(argv);
  });
});

describe('parseSelector and formatSelector', () => {
  it.each([
    ['', undefined],
    ['   ', undefined],
    ['team=infra', { team: 'infra' }],
    ['  team=infra   region=eu ', { team: 'infra', region: 'eu' }],
    ['url=a=b', { url: 'a=b' }],
    ['empty=', { empty: '' }],
  ])('%j reads as %j', (text, labels) => {
    expect(parseSelector(text)).toEqual({ ok: true, value: labels });
  });

  it.each([
    ['team', "Selector: 'team' is not key=value"],
    ['=infra', "Selector: '=infra' is not key=value"],
    ['team=a team=b', "Selector: 'team' is given twice"],
  ])('%j is refused: %s', (text, message) => {
    expect(parseSelector(text)).toEqual({ ok: false, message });
  });

  it('writes a selector back as it is typed', () => {
    expect(formatSelector({ team: 'infra', region: 'eu' })).toBe('team=infra region=eu');
    expect(formatSelector(null)).toBe('');
  });
});

describe('readChannel', () => {
  const fields = (patch: Partial<ChannelFields>): ChannelFields => ({ name: ' ops ', kind: 'webhook', url: '', command: '', secret: '', ...patch });

  it('takes the URL for a URL kind (ignoring a command typed before the kind changed), the argv for command', () => {
    expect(readChannel(fields({ url: ' https://x.example/h ', command: 'stale' }))).toEqual({ ok: true, value: { name: 'ops', kind: 'webhook', url: 'https://x.example/h' } });
    expect(readChannel(fields({ kind: 'command', command: 'prog\narg', url: 'https://stale.example/' }))).toEqual({ ok: true, value: { name: 'ops', kind: 'command', command: ['prog', 'arg'] } });
    expect(readChannel(fields({ kind: 'ntfy', url: 'https://ntfy.sh/t', secret: 'k' }))).toEqual({ ok: true, value: { name: 'ops', kind: 'ntfy', url: 'https://ntfy.sh/t', secret: 'k' } });
  });

  it('says what is missing', () => {
    expect(readChannel(fields({ kind: 'slack' }))).toEqual({ ok: false, message: 'A slack channel needs a URL' });
    expect(readChannel(fields({ kind: 'command', command: '\n\n' }))).toEqual({ ok: false, message: 'A command channel needs a program: one argument per line, the program first' });
  });
});

describe('readRule', () => {
  const fields = (patch: Partial<RuleFields>): RuleFields => ({ channelId: 'ch_1', on: ['offline'], selector: '', coalesce: '10', repeat: '', ...patch });

  it.each<[string, Partial<RuleFields>, unknown]>([
    ['the defaults', {}, { channelId: 'ch_1', on: ['offline'], coalesceS: 10, repeatAfterS: null }],
    ['an empty window: the main side’s default', { coalesce: ' ' }, { channelId: 'ch_1', on: ['offline'], repeatAfterS: null }],
    ['everything', { selector: 'team=infra', coalesce: '0', repeat: '600' }, { channelId: 'ch_1', on: ['offline'], selector: { team: 'infra' }, coalesceS: 0, repeatAfterS: 600 }],
  ])('%s', (_what, patch, rule) => {
    expect(readRule(fields(patch))).toEqual({ ok: true, value: rule });
  });

  it.each<[Partial<RuleFields>, string]>([
    [{ channelId: '' }, 'Choose a channel (add one first)'],
    [{ on: [] }, 'Choose at least one change to alert on'],
    [{ selector: 'team' }, "Selector: 'team' is not key=value"],
    [{ coalesce: '-1' }, 'Coalesce must be a whole number of seconds'],
    [{ repeat: '1e3' }, 'Repeat must be a whole number of seconds'],
  ])('%j is refused: %s', (patch, message) => {
    expect(readRule(fields(patch))).toEqual({ ok: false, message });
  });
});
