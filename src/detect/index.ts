/**
 * Detection: Falco-compatible rule files (lists, macros, rules, exceptions, append/override)
 * compiled to closures and evaluated per LogEvent. See ./README.md for the grammar and fields.
 */
export { loadRuleFiles, RuleSet, ruleIdOf, describeWarning } from './ruleset.ts';
export type { Match, RuleInfo, LoadWarning } from './ruleset.ts';
export type { RuleFileInput } from './rule-file.ts';
export { isRuleTestFile, readRuleDir, readRulePaths } from './rule-dir.ts';
export type { RuleDirFiles } from './rule-dir.ts';
export { ALERT_OWNERSHIP, alertFromMatch, alertLabels, alertPriority, alertToLogEvent } from './alert.ts';
export type { Alert } from './alert.ts';
export { parsePriority, priorityName, PRIORITY_SEVERITY } from './priority.ts';
export type { Priority } from './priority.ts';
export { parseCondition } from './parser.ts';
export type { Expr } from './ast.ts';
export { SourceText, formatLocation } from './source-text.ts';
export type { Location } from './source-text.ts';
export { STATEFUL_KEYS } from './stateful.ts';
export type { StatefulSpec, ThresholdSpec, DedupeSpec, AbsenceSpec, SequenceSpec, SequenceStep } from './stateful.ts';
export type { StatefulPlan } from './stateful-plan.ts';
export { createDetector } from './windows/detector.ts';
export { sourceOf } from './windows/sources.ts';
export type { Detector, DetectorOptions, DetectorStats } from './windows/detector.ts';
