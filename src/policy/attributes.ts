/** Request attributes given as JSON (CLI `simulate --attributes`), validated with zod. */
import { z } from 'zod';
import { ArgusError } from '../core/index.ts';
import type { RequestAttributes } from './types.ts';

export const requestAttributesSchema = z
  .object({
    user: z.string().optional(),
    groups: z.array(z.string()).optional(),
    verb: z.string().optional(),
    namespace: z.string().optional(),
    apiGroup: z.string().optional(),
    resource: z.string().optional(),
    subresource: z.string().optional(),
    name: z.string().optional(),
    path: z.string().optional(),
    resourceRequest: z.boolean().optional(),
  })
  .strict();

/** One attributes object or a list of them; throws BAD_REQUEST naming the bad item and field. */
export function parseAttributesList(value: unknown, where = 'attributes'): RequestAttributes[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    const r = requestAttributesSchema.safeParse(item);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const path = [i, ...(issue?.path ?? [])].map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    throw new ArgusError('BAD_REQUEST', `${where}${path}: ${issue?.message ?? 'invalid'}`);
  });
}
