import type { SourceOwnership } from '../../core/index.ts';

/**
 * What `POST /api/v1/events` may write: any source no other receiver owns, and keys in its own
 * namespace (a client's `dedupKey: "abc"` is stored as `generic:abc`).
 */
export const GENERIC_OWNERSHIP: SourceOwnership = { sources: 'unreserved', keyPrefixes: ['generic:'] };
