/**
 * The Kubernetes audit webhook backend: `POST /k8s-audit` (Falco's path, so existing webhook
 * kubeconfigs work) and `POST /api/v1/ingest/k8s-audit`. Answers 2xx only after the batch is
 * durable: the apiserver retries non-2xx and then drops, so our ack is the only guarantee.
 * Duplicate deliveries are idempotent on (cluster, auditID, stage) through the store's dedupKey.
 */
import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditWebhookConfig, IngestReceiver } from '../../core/index.ts';
import { ArgusError } from '../../core/index.ts';
import { decodeAuditPayload, K8S_AUDIT_OWNERSHIP } from '../../sources/k8s-audit/index.ts';
import type { ApiDeps } from '../deps.ts';
import { respondToBatch } from './batch-response.ts';

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The audit webhook receiver: the audit decoders' sources and keys (K8S_AUDIT_OWNERSHIP). */
export const K8S_AUDIT_RECEIVER: IngestReceiver = { name: 'k8s-audit', owns: K8S_AUDIT_OWNERSHIP };

/** Who sent a request: the cluster its events belong to, and the credential (never the secret itself). */
export interface AuditSender {
  cluster: string | undefined;
  /** `token:<cluster>`, `mtls:<CN>` or `unauthenticated` */
  credential: string;
}

/** The cluster comes from the credential, or `?cluster=` when that is allowed; never from the payload. */
export function resolveSender(req: FastifyRequest, cfg: AuditWebhookConfig): AuditSender {
  const q = (req.query as Record<string, string | undefined>).cluster;
  if (q !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(q)) {
    throw new ArgusError('BAD_REQUEST', 'cluster: must be 1-128 letters, digits, dot, underscore or dash', { field: 'cluster' });
  }
  const open: AuditSender = { cluster: q, credential: 'unauthenticated' };
  if (cfg.tokens.length === 0 && cfg.clientCerts.length === 0) return open;
  const bound = boundSender(req, cfg);
  if (bound === undefined) {
    if (cfg.allowUnauthenticated) return open;
    throw new ArgusError('UNAUTHORIZED', 'authentication required: a bearer token (Authorization: Bearer <token>) or a client certificate');
  }
  if (q !== undefined && q !== bound.cluster) {
    throw new ArgusError('FORBIDDEN', `cluster: this credential is bound to cluster "${bound.cluster}", not "${q}"`, { field: 'cluster' });
  }
  return bound;
}

/** The cluster and credential of the request; undefined when it presents none; throws when it is wrong. */
function boundSender(req: FastifyRequest, cfg: AuditWebhookConfig): (AuditSender & { cluster: string }) | undefined {
  const socket = req.raw.socket as TLSSocket;
  if (cfg.clientCerts.length > 0 && typeof socket.getPeerCertificate === 'function') {
    const cert = socket.getPeerCertificate();
    if (cert && cert.subject) {
      if (!socket.authorized) throw new ArgusError('UNAUTHORIZED', `client certificate rejected: ${String(socket.authorizationError)}`);
      const cn = Array.isArray(cert.subject.CN) ? cert.subject.CN[0] : cert.subject.CN;
      const hit = cfg.clientCerts.find((c) => c.commonName === cn);
      if (!hit) throw new ArgusError('FORBIDDEN', `client certificate CN "${cn}" is not bound to a cluster`);
      return { cluster: hit.cluster, credential: `mtls:${hit.commonName}` };
    }
  }
  const auth = req.headers.authorization;
  if (auth === undefined || cfg.tokens.length === 0) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  const hit = m ? cfg.tokens.find((t) => sameToken(t.token, m[1]!)) : undefined;
  if (!hit) throw new ArgusError('UNAUTHORIZED', 'invalid bearer token');
  return { cluster: hit.cluster, credential: `token:${hit.cluster}` };
}

export function makeK8sAuditRoutes(cfg: AuditWebhookConfig) {
  return (app: FastifyInstance, deps: ApiDeps): void => {
    const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const { cluster, credential } = resolveSender(req, cfg);
      const body = typeof req.body === 'string' ? req.body : '';
      if (body.trim().length === 0) throw new ArgusError('BAD_JSON', 'body is empty: send an audit.k8s.io EventList');
      const decoded = decodeAuditPayload(body, { cluster, receivedAt: Date.now(), untrustedEnvelope: true, maxDepth: deps.maxDepth });
      if (decoded.events.length === 0 && decoded.format === 'unknown' && decoded.errors.length === 1) {
        throw new ArgusError('BAD_JSON', decoded.errors[0]!.message);
      }
      if (decoded.redactions > 0) deps.metrics.redactions.inc(decoded.redactions);
      const origin = { receiver: K8S_AUDIT_RECEIVER.name, credential };
      return respondToBatch(reply, deps, decoded.events, decoded.errors, origin, decoded.positions, decoded.rejected);
    };
    for (const url of ['/k8s-audit', '/api/v1/ingest/k8s-audit']) {
      app.post(url, { bodyLimit: cfg.bodyLimit }, handler);
    }
  };
}
