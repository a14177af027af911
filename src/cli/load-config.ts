/** Reads `--config FILE` (YAML or JSON) and applies CLI overrides; validation happens in createApp. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ArgusError } from '../core/index.ts';

export function loadServerConfig(opts: { config?: string; data?: string; listen?: string }): Record<string, unknown> {
  let cfg: Record<string, unknown> = {};
  if (opts.config) {
    let text: string;
    try {
      text = readFileSync(opts.config, 'utf8');
    } catch (e) {
      throw new ArgusError('BAD_CONFIG', `cannot read config file ${opts.config}: ${(e as Error).message}`);
    }
    let v: unknown;
    try {
      v = parseYaml(text);
    } catch (e) {
      throw new ArgusError('BAD_CONFIG', `${opts.config}: ${(e as Error).message}`);
    }
    if (v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v))) {
      throw new ArgusError('BAD_CONFIG', `${opts.config}: the top level must be a mapping`);
    }
    cfg = (v as Record<string, unknown>) ?? {};
  }
  if (process.env.ARGUS_LOG_LEVEL && cfg.logLevel === undefined) cfg.logLevel = process.env.ARGUS_LOG_LEVEL;
  if (opts.data) cfg.data = opts.data;
  if (opts.listen) cfg.listen = opts.listen;
  return cfg;
}
