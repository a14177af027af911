export { createRng } from './rng.ts';
export type { Rng } from './rng.ts';
export { auditEvent, noiseAuditEvent } from './audit.ts';
export type { AuditEventShape } from './audit.ts';
export { SCENARIOS } from './attacks.ts';
export type { Scenario } from './attacks.ts';
export { containerEvent } from './container.ts';
