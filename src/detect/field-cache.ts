/**
 * Per-event memo of extracted field values, shared by all rules of a RuleSet: `jevt.value[/stage]`
 * is extracted once per event however many rules test it. `next()` starts a new event; a slot
 * is valid while its stamp equals the current generation (no per-event allocation).
 */
import type { LogEvent } from '../core/index.ts';
import type { ResolvedField } from './fields.ts';
import type { FieldValue } from './json-values.ts';

export class FieldCache {
  private gen = 1;
  private readonly stamps: number[] = [];
  private readonly values: FieldValue[] = [];
  private readonly slots = new Map<string, number>();

  /** Starts a new event. */
  next(): void {
    this.gen++;
  }

  get size(): number {
    return this.slots.size;
  }

  getter(f: ResolvedField): (ev: LogEvent) => FieldValue {
    let slot = this.slots.get(f.key);
    if (slot === undefined) {
      slot = this.stamps.length;
      this.slots.set(f.key, slot);
      this.stamps.push(0);
      this.values.push(undefined);
    }
    const s = slot;
    const raw = f.get;
    const stamps = this.stamps;
    const values = this.values;
    return (ev) => {
      if (stamps[s] === this.gen) return values[s];
      const v = raw(ev);
      values[s] = v;
      stamps[s] = this.gen;
      return v;
    };
  }
}
