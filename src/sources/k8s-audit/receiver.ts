/**
 * The Kubernetes audit webhook backend: `POST /k8s-audit` (Falco's path, so existing webhook
 * kubeconfigs work) and `POST /api/v1/ingest/k8s-audit`. The shared seam (src/api/receivers/)
 * answers 2xx only after the batch is durable: the apiserver retries non-2xx and then drops, so
 * our ack is the only guarantee. Duplicate deliveries are idempotent on (cluster, auditID, stage)
 * through the dedupKey. The cluster comes from the credential (token or client certificate bound
 * to it), or from `?cluster=` when unauthenticated requests are allowed; never from the payload.
 */
import { ArgusError, noLifecycle, receiverAuthConfigSchema } from '../../core/index.ts';
import type { ReceiverFactory } from '../../core/index.ts';
import { z } from 'zod';
import { decodeAuditPayload } from './decode.ts';
import { K8S_AUDIT_OWNERSHIP } from './ownership.ts';

export const k8sAuditReceiverConfigSchema = receiverAuthConfigSchema
  .extend({
    /** max body of one webhook request, after Content-Encoding decoding (the apiserver's batches can be large) */
    bodyLimit: z.number().int().positive().default(12 * 1024 * 1024),
  })
  .strict();
export type K8sAuditReceiverConfig = z.infer<typeof k8sAuditReceiverConfigSchema>;

export const k8sAuditReceiverFactory: ReceiverFactory<typeof k8sAuditReceiverConfigSchema> = {
  kind: 'receiver',
  type: 'k8s_audit',
  configSchema: k8sAuditReceiverConfigSchema,
  create: (_ctx, cfg) => ({
    ...noLifecycle(),
    name: 'k8s-audit',
    routes: [{ method: 'POST', paths: ['/k8s-audit', '/api/v1/ingest/k8s-audit'] }],
    auth: { kind: 'bound', tokens: cfg.tokens, clientCerts: cfg.clientCerts, allowUnauthenticated: cfg.allowUnauthenticated },
    bodyLimit: cfg.bodyLimit,
    owns: K8S_AUDIT_OWNERSHIP,
    decode(body, _req, ctx) {
      if (body.trim().length === 0) throw new ArgusError('BAD_JSON', 'body is empty: send an audit.k8s.io EventList');
      const decoded = decodeAuditPayload(body, { cluster: ctx.cluster, receivedAt: ctx.receivedAt, untrustedEnvelope: true, maxDepth: ctx.maxDepth });
      if (decoded.events.length === 0 && decoded.format === 'unknown' && decoded.errors.length === 1) {
        throw new ArgusError('BAD_JSON', decoded.errors[0]!.message);
      }
      return decoded;
    },
  }),
};
