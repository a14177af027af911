/** The Kubernetes audit-policy toolkit: parse/validate, simulate, lint, replay, generate, webhook config. */
export { LEVELS, STAGES } from './types.ts';
export type { Level, Stage, Policy, PolicyRule, GroupResources, RequestAttributes, AuditDecision, Finding, Severity } from './types.ts';
export { parsePolicy, loadPolicy } from './parse.ts';
export type { ParsedPolicy } from './parse.ts';
export { validatePolicyObject } from './validate.ts';
export type { LineLocator, PathSegment } from './validate.ts';
export { evaluatePolicy, matchingRule, ruleMatches, decisionFor, pathMatches, resourcePatternMatches } from './checker.ts';
export { ruleCovers, isCatchAll } from './coverage.ts';
export { lintPolicy, lintParsedPolicy } from './lint.ts';
export { replayEvents, attributesFromEvent, eventAtDecision, parseEventsText } from './replay.ts';
export type { ReplayReport, RuleVolume } from './replay.ts';
export { generatePolicy, PROFILES } from './generate.ts';
export type { Profile } from './generate.ts';
export { webhookConfig, webhookEndpoint, WEBHOOK_PATH } from './webhook-config.ts';
export type { WebhookOptions, WebhookConfig } from './webhook-config.ts';
export { parseAttributesList, requestAttributesSchema } from './attributes.ts';
