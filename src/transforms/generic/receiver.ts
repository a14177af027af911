/**
 * The generic receiver: `POST /api/v1/events` (a JSON array, one object, or NDJSON), any source no
 * other receiver owns, keys under `generic:`; no authentication yet (credential `anonymous`).
 */
import { z } from 'zod';
import { ArgusError, noLifecycle } from '../../core/index.ts';
import type { ReceiverFactory } from '../../core/index.ts';
import { decodeGenericEvents } from './decode.ts';
import { GENERIC_OWNERSHIP } from './ownership.ts';

export const genericReceiverConfigSchema = z
  .object({
    /** max body in bytes (after Content-Encoding decoding); default: the server's `bodyLimit` */
    bodyLimit: z.number().int().positive().optional(),
  })
  .strict();

export const genericReceiverFactory: ReceiverFactory<typeof genericReceiverConfigSchema> = {
  kind: 'receiver',
  type: 'generic',
  configSchema: genericReceiverConfigSchema,
  create: (_ctx, cfg) => ({
    ...noLifecycle(),
    name: 'generic',
    routes: [{ method: 'POST', paths: ['/api/v1/events'] }],
    auth: { kind: 'none' },
    ...(cfg.bodyLimit !== undefined ? { bodyLimit: cfg.bodyLimit } : {}),
    owns: GENERIC_OWNERSHIP,
    decode(body, _req, ctx) {
      if (body.trim().length === 0) throw new ArgusError('BAD_JSON', 'body is empty: send a JSON array, a JSON object or NDJSON');
      const decoded = decodeGenericEvents(body, ctx.receivedAt, { maxDepth: ctx.maxDepth });
      if (decoded.errors.length === 1 && decoded.errors[0]!.index === -1) throw new ArgusError('BAD_JSON', decoded.errors[0]!.message);
      return decoded;
    },
  }),
};
