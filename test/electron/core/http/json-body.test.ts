import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { heartbeatBodySchema } from '../../../../shared/http-schemas';
import { HttpError } from '../../../../electron/core/http/http-error';
import { JsonBodyParser } from '../../../../electron/core/http/json-body';

/** What the port did before it remembered bodies: parse, then validate, every time. */
function freshParse(text: string | undefined): unknown {
  return heartbeatBodySchema.parse((text === undefined ? undefined : JSON.parse(text)) ?? {});
}

describe('JsonBodyParser', () => {
  it('gives the same value as a fresh parse, the first time and every time after', () => {
    const parser = new JsonBodyParser(heartbeatBodySchema);
    const bodies = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('{}', 'null', '{"name":"Coding agent","labels":{"team":"bench"}}', '{"name":"  padded  "}'),
      fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.string({ maxLength: 10 }), { maxKeys: 4 }) }, { requiredKeys: [] }).map((body) => JSON.stringify(body)),
    );
    fc.assert(
      fc.property(fc.array(bodies, { minLength: 1, maxLength: 20 }), (texts) => {
        for (const text of texts) {
          let expected: unknown;
          try {
            expected = freshParse(text);
          } catch {
            expect(() => parser.parse(text)).toThrow(ZodError);
            continue;
          }
          expect(parser.parse(text)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a bad body every time it comes (a refusal is never remembered)', () => {
    const parser = new JsonBodyParser(heartbeatBodySchema);
    for (let i = 0; i < 2; i++) {
      expect(() => parser.parse('{"labels":{"__proto__":"x"}}')).toThrow(ZodError);
      expect(() => parser.parse('{"name": 5}')).toThrow(ZodError);
      expect(() => parser.parse('{not json')).toThrow(HttpError);
    }
  });

  it('hands out frozen values, so no caller can change what another is given', () => {
    const parser = new JsonBodyParser(heartbeatBodySchema);
    const text = '{"name":"a","labels":{"team":"x"}}';
    const first = parser.parse(text);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.labels)).toBe(true);
    expect(parser.parse(text)).toBe(first);
  });

  it('parses a large body every time instead of keeping it', () => {
    const parser = new JsonBodyParser(heartbeatBodySchema);
    const text = JSON.stringify({ name: 'x'.repeat(150), labels: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, 'v'.repeat(30)])) });
    expect(text.length).toBeGreaterThan(512);
    const first = parser.parse(text);
    const second = parser.parse(text);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });
});
