/** Container stdout/stderr lines of a small shop: web access logs, app logs, an occasional incident. */
import type { LogEventInput } from '../../core/index.ts';
import { severityFromText } from '../../core/index.ts';
import type { Rng } from './rng.ts';

const PODS = [
  { namespace: 'checkout', pod: 'checkout-web-5f7c9-abcde', container: 'nginx' },
  { namespace: 'payments', pod: 'payments-api-6c9d7-x2k4p', container: 'api' },
  { namespace: 'payments', pod: 'payments-worker-84b6f-q9zlm', container: 'worker' },
  { namespace: 'monitoring', pod: 'prometheus-0', container: 'prometheus' },
] as const;

const PATHS = ['/', '/cart', '/api/v1/orders', '/api/v1/orders/1842', '/healthz', '/static/app.js', '/login'] as const;
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'kube-probe/1.29', 'curl/8.5.0', 'Go-http-client/1.1'] as const;

function accessLine(r: Rng, ts: number): string {
  const status = r.pick([200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 500, 502]);
  const d = new Date(ts);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const clf = `${String(d.getUTCDate()).padStart(2, '0')}/${mon}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
  return `10.0.${r.int(4)}.${r.int(250)} - - [${clf}] "${r.pick(['GET', 'GET', 'POST'])} ${r.pick(PATHS)} HTTP/1.1" ${status} ${r.int(20000)} "-" "${r.pick(AGENTS)}"`;
}

const APP_LINES = [
  { level: 'INFO', text: 'order processed order_id=%n amount=%n.99 currency=EUR' },
  { level: 'INFO', text: 'GET /api/v1/orders/%n 200 %nms' },
  { level: 'DEBUG', text: 'cache hit key=order:%n' },
  { level: 'WARN', text: 'slow query took %nms: SELECT * FROM orders WHERE customer_id = $1' },
  { level: 'ERROR', text: 'dial tcp 10.0.2.41:5432: connect: connection refused' },
  { level: 'ERROR', text: 'payment provider timeout after 3 retries (order_id=%n)' },
] as const;

/** A container log event; `leak` puts a credential in the line (what secret-in-logs rules must catch). */
export function containerEvent(r: Rng, ts: number, opts: { leak?: boolean } = {}): LogEventInput {
  const p = r.pick(PODS);
  let message: string;
  let severityText = 'INFO';
  let stream = 'stdout';
  if (opts.leak) {
    message = `connecting to postgres://payments:${r.hex(12)}@db.payments.svc:5432/payments password=${r.hex(16)}`;
    severityText = 'DEBUG';
  } else if (p.container === 'nginx') {
    message = accessLine(r, ts);
  } else {
    const l = r.pick(APP_LINES);
    message = l.text.replace(/%n/g, () => String(100 + r.int(9900)));
    severityText = l.level;
    if (l.level === 'ERROR') stream = 'stderr';
  }
  return {
    ts,
    source: 'container',
    cluster: 'demo',
    node: 'ip-10-0-1-23.ec2.internal',
    namespace: p.namespace,
    pod: p.pod,
    container: p.container,
    stream,
    severityText,
    severityNumber: severityFromText(severityText),
    message,
  };
}
