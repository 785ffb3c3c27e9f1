import { describe, expect, it } from 'vitest';
import { isSafeText, toSafeText, truncateText } from '../../shared/safe-text';
import { describeSeconds, horizonMessage, isBeyondHorizon } from '../../shared/recovery-horizon';

describe('safe text: what a name or label value may hold', () => {
  const hidden: [string, string][] = [
    ['NUL', '\u0000'], ['a tab', '\t'], ['a newline', '\n'], ['ESC', '\u001b'], ['DEL', '\u007f'], ['C1 NEL', '\u0085'], ['C1 CSI', '\u009b'],
    ['a lone high surrogate', '\ud83d'], ['a lone low surrogate', '\ude00'],
    ['LRE', '\u202a'], ['RLE', '\u202b'], ['PDF', '\u202c'], ['LRO', '\u202d'], ['RLO', '\u202e'],
    ['LRI', '\u2066'], ['RLI', '\u2067'], ['FSI', '\u2068'], ['PDI', '\u2069'], ['LRM', '\u200e'], ['RLM', '\u200f'], ['ALM', '\u061c'],
    ['ZWSP', '\u200b'], ['ZWNJ', '\u200c'], ['ZWJ', '\u200d'], ['WJ', '\u2060'], ['BOM', '\ufeff'], ['soft hyphen', '\u00ad'],
    ['invisible times', '\u2062'], ['a tag character', '\u{e0041}'], ['line separator', '\u2028'], ['paragraph separator', '\u2029'],
  ];
  it.each(hidden)('%s is refused, anywhere in the text, and replaced where the monitor derives the text', (_name, char) => {
    for (const text of [char, `a${char}`, `${char}a`, `a${char}b`]) expect(isSafeText(text)).toBe(false);
    expect(toSafeText(`a${char}b`)).toBe('a\ufffdb');
  });

  it.each(['api-prod', 'Ünïcödé', '日本語', 'עברית', 'العربية', '😀 emoji 🚀', 'a b', 'x'.repeat(300)])('%j is taken', (text) => {
    expect(isSafeText(text)).toBe(true);
    expect(toSafeText(text)).toBe(text);
  });

  it('a cut keeps surrogate pairs whole', () => {
    expect(truncateText('ab😀', 3)).toBe('ab');
    expect(truncateText('ab😀', 4)).toBe('ab😀');
    expect(truncateText('abc', 5)).toBe('abc');
    expect(isSafeText(truncateText('😀'.repeat(10), 7))).toBe(true);
  });
});

describe('the recovery horizon', () => {
  it('is exclusive of its edge; the past is never beyond it', () => {
    expect(isBeyondHorizon(1000 + 7 * 86_400_000, 1000, 7 * 86_400)).toBe(false);
    expect(isBeyondHorizon(1001 + 7 * 86_400_000, 1000, 7 * 86_400)).toBe(true);
    expect(isBeyondHorizon(0, 1000, 60)).toBe(false);
  });

  it.each([
    [7 * 86_400, '7 days'], [86_400, '1 day'], [36 * 3_600, '36 hours'], [3_600, '1 hour'], [90, '90 seconds'], [120, '2 minutes'], [1, '1 second'],
  ])('%i seconds read "%s"', (seconds, text) => {
    expect(describeSeconds(seconds)).toBe(text);
  });

  it('says the bound and the setting', () => {
    expect(horizonMessage(604_800)).toBe('recovery_at must be at most 7 days ahead (FLEET_MAX_RECOVERY_S)');
  });
});
