/**
 * The JSON bodies that ask for an alert channel or rule (`POST
 * /v1/alerts/channels`, `POST /v1/alerts/rules`, and the same bodies over
 * IPC), built from the domain's NewAlertChannel / NewAlertRule. Apart from
 * the schemas that read them (alert-schemas.ts) because those bring zod:
 * the sandboxed preload and the page import this file, and zod would grow
 * the preload from 1 KB to 1 MB.
 */
import type { z } from 'zod';
import type { newChannelBodySchema, NewRuleBody } from './alert-schemas';
import type { NewAlertChannel, NewAlertRule } from './alerts';

/** A channel as the port's JSON body. */
export type NewChannelBody = z.input<typeof newChannelBodySchema>;

/** The JSON body that asks for `channel`: absent fields left out, argv as a plain array. */
export function toChannelBody(channel: NewAlertChannel): NewChannelBody {
  return {
    name: channel.name,
    kind: channel.kind,
    ...(channel.url === undefined ? {} : { url: channel.url }),
    ...(channel.command === undefined ? {} : { command: [...channel.command] }),
    ...(channel.secret === undefined ? {} : { secret: channel.secret }),
  };
}

/** The JSON body that asks for `rule`. */
export function toRuleBody(rule: NewAlertRule): NewRuleBody {
  return {
    channel_id: rule.channelId,
    on: [...rule.on],
    ...(rule.selector === undefined ? {} : { selector: rule.selector }),
    ...(rule.coalesceS === undefined ? {} : { coalesce_s: rule.coalesceS }),
    ...(rule.repeatAfterS === undefined ? {} : { repeat_after_s: rule.repeatAfterS }),
  };
}
