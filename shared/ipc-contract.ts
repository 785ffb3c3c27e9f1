/**
 * The one IPC contract between the desktop shell and the renderer: every
 * channel, its argument schema (validated on the main side) and its result
 * type. Both the main-side wrapper and the preload import this file.
 */
import { z } from 'zod';
import type { Agent, StatusEvent } from './agent';
import { alertIdSchema, deliveriesLimitSchema, newChannelBodySchema, newRuleBodySchema } from './alert-schemas';
import type { AlertChannel, AlertDelivery, AlertRule } from './alerts';
import { MAX_AGENT_PAGE, type AgentDelta, type AgentPage, type BulkResult, type FleetSettings } from './fleet-api';
import { agentIdSchema, bulkIdsSchema, messageSchema, tzSchema } from './http-schemas';
import { EXHAUST_REASONS } from './status';

const forceExhaustSchema = z.object({
  id: agentIdSchema,
  reason: z.enum(EXHAUST_REASONS),
  recoveryAt: z.number().int().positive().optional(),
  message: messageSchema.optional(),
  tz: tzSchema.optional(),
});

/** Arguments of each invoke channel, as a tuple schema. */
export const INVOKE_ARGS = {
  // The cursor is the last id of the page before ('' or null: from the first).
  'agents:page': z.tuple([z.union([z.literal(''), agentIdSchema]).nullable(), z.number().int().min(1).max(MAX_AGENT_PAGE)]),
  'agents:get': z.tuple([agentIdSchema]),
  'agents:history': z.tuple([agentIdSchema, z.number().int().min(1).max(1000)]),
  'agents:force-exhaust': z.tuple([forceExhaustSchema]),
  'agents:recover': z.tuple([agentIdSchema]),
  'agents:bulk-recover': z.tuple([bulkIdsSchema]),
  'agents:bulk-exhaust': z.tuple([forceExhaustSchema.omit({ id: true }).extend({ ids: bulkIdsSchema })]),
  'agents:forget': z.tuple([agentIdSchema]),
  'settings:get': z.tuple([]),
  'settings:update': z.tuple([z.object({ notifications: z.boolean().optional() }).strict()]),
  // Alerts take the port's JSON bodies (snake_case), checked by the same schemas as `/v1/alerts/*`.
  'alerts:channels': z.tuple([]),
  'alerts:create-channel': z.tuple([newChannelBodySchema]),
  'alerts:delete-channel': z.tuple([alertIdSchema]),
  'alerts:test-channel': z.tuple([alertIdSchema]),
  'alerts:rules': z.tuple([]),
  'alerts:create-rule': z.tuple([newRuleBodySchema]),
  'alerts:delete-rule': z.tuple([alertIdSchema]),
  'alerts:deliveries': z.tuple([deliveriesLimitSchema]),
} as const;

export type InvokeChannel = keyof typeof INVOKE_ARGS;
export type InvokeArgs<C extends InvokeChannel> = z.infer<(typeof INVOKE_ARGS)[C]>;
/** What a caller sends on each invoke channel: the schema's input (a rule's snake_case body), which the main side parses into {@link InvokeArgs}. */
export type InvokeInput<C extends InvokeChannel> = z.input<(typeof INVOKE_ARGS)[C]>;

/** Result of each invoke channel (wrapped in a Result on the wire). */
export interface InvokeResults {
  'agents:page': AgentPage;
  'agents:get': Agent;
  'agents:history': readonly StatusEvent[];
  'agents:force-exhaust': Agent;
  'agents:recover': Agent;
  'agents:bulk-recover': readonly BulkResult[];
  'agents:bulk-exhaust': readonly BulkResult[];
  'agents:forget': Agent;
  'settings:get': FleetSettings;
  'settings:update': FleetSettings;
  'alerts:channels': readonly AlertChannel[];
  'alerts:create-channel': AlertChannel;
  'alerts:delete-channel': AlertChannel;
  'alerts:test-channel': AlertDelivery;
  'alerts:rules': readonly AlertRule[];
  'alerts:create-rule': AlertRule;
  'alerts:delete-rule': AlertRule;
  'alerts:deliveries': readonly AlertDelivery[];
}

/** Main → renderer pushes. */
export interface PushPayloads {
  'agents:changed': AgentDelta;
}
export type PushChannel = keyof PushPayloads;

export const INVOKE_CHANNELS = Object.keys(INVOKE_ARGS) as InvokeChannel[];
