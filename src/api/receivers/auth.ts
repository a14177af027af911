/**
 * The shared auth of push receivers (core/receiver.ts `ReceiverAuth`): a bearer token or an mTLS
 * client certificate, each bound to the cluster it authenticates. The cluster comes from the
 * credential, or from `?cluster=` when an unauthenticated request is allowed; never from the
 * payload. A `?cluster=` that disagrees with the credential is refused.
 */
import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { ReceiverAuth, ReceiverAuthConfig } from '../../core/index.ts';
import { ArgusError } from '../../core/index.ts';

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Who sent a request: the cluster its events belong to, and the credential (never the secret itself). */
export interface Sender {
  cluster: string | undefined;
  /** `anonymous` (auth none), `token:<cluster>`, `mtls:<CN>` or `unauthenticated` */
  credential: string;
}

const ANONYMOUS: Sender = { cluster: undefined, credential: 'anonymous' };

export function resolveSender(req: FastifyRequest, auth: ReceiverAuth): Sender {
  if (auth.kind === 'none') return ANONYMOUS;
  const q = (req.query as Record<string, string | undefined>).cluster;
  if (q !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(q)) {
    throw new ArgusError('BAD_REQUEST', 'cluster: must be 1-128 letters, digits, dot, underscore or dash', { field: 'cluster' });
  }
  const open: Sender = { cluster: q, credential: 'unauthenticated' };
  if (auth.tokens.length === 0 && auth.clientCerts.length === 0) return open;
  const bound = boundSender(req, auth);
  if (bound === undefined) {
    if (auth.allowUnauthenticated) return open;
    const how = [auth.tokens.length > 0 ? 'a bearer token (Authorization: Bearer <token>)' : '', auth.clientCerts.length > 0 ? 'a client certificate' : ''];
    throw new ArgusError('UNAUTHORIZED', `authentication required: ${how.filter(Boolean).join(' or ')}`);
  }
  if (q !== undefined && q !== bound.cluster) {
    throw new ArgusError('FORBIDDEN', `cluster: this credential is bound to cluster "${bound.cluster}", not "${q}"`, { field: 'cluster' });
  }
  return bound;
}

/** The cluster and credential of the request; undefined when it presents none; throws when it is wrong. */
function boundSender(req: FastifyRequest, cfg: ReceiverAuthConfig): (Sender & { cluster: string }) | undefined {
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
