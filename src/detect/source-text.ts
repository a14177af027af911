/**
 * Text taken from a rules file (a condition, an output) with a way back to file:line:column.
 * Conditions may be concatenated by `append`, so a text is a list of segments, each with
 * its own map from value offsets to source offsets (YAML folding changes offsets).
 */
import { ArgusError } from '../core/index.ts';

export interface Location {
  path: string;
  line: number;
  column: number;
}

export interface Segment {
  /** where this segment starts in the concatenated text */
  start: number;
  length: number;
  path: string;
  /** value offset within the segment -> line/column in the file */
  locate: (offset: number) => { line: number; column: number };
}

export class SourceText {
  readonly text: string;
  readonly segments: readonly Segment[];

  constructor(text: string, segments: readonly Segment[]) {
    this.text = text;
    this.segments = segments;
  }

  /** A text with no file behind it (tests, generated conditions). */
  static plain(text: string, path = '<inline>'): SourceText {
    return new SourceText(text, [{ start: 0, length: text.length, path, locate: (o) => lineCol(text, o) }]);
  }

  /** `this + sep + other`, as Falco's append does with conditions. */
  concat(sep: string, other: SourceText): SourceText {
    const base = this.text.length + sep.length;
    const moved = other.segments.map((s) => ({ ...s, start: s.start + base }));
    return new SourceText(this.text + sep + other.text, [...this.segments, ...moved]);
  }

  /** The text without leading/trailing blanks (Falco trims outputs), offsets still mapped. */
  trim(): SourceText {
    const lead = this.text.length - this.text.trimStart().length;
    const body = this.text.trim();
    if (lead === 0 && body.length === this.text.length) return this;
    return new SourceText(body, [
      { start: 0, length: body.length, path: this.locate(lead).path, locate: (o) => {
        const l = this.locate(o + lead);
        return { line: l.line, column: l.column };
      } },
    ]);
  }

  locate(offset: number): Location {
    let seg = this.segments[0];
    for (const s of this.segments) if (offset >= s.start) seg = s;
    if (!seg) return { path: '<unknown>', line: 1, column: offset + 1 };
    const rel = Math.max(0, Math.min(offset - seg.start, seg.length));
    const { line, column } = seg.locate(rel);
    return { path: seg.path, line, column };
  }
}

/** 1-based line/column of an offset in a string. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

export function formatLocation(loc: Location): string {
  return `${loc.path}:${loc.line}:${loc.column}`;
}

/** The one way detect reports a bad rule: BAD_RULE with file:line:column in message and details. */
export function badRule(loc: Location, message: string, extra?: Record<string, unknown>): ArgusError {
  return new ArgusError('BAD_RULE', `${formatLocation(loc)}: ${message}`, {
    path: loc.path,
    line: loc.line,
    column: loc.column,
    ...extra,
  });
}

/** BAD_RULE at an offset of a source text. */
export function badRuleAt(src: SourceText, offset: number, message: string, extra?: Record<string, unknown>): ArgusError {
  return badRule(src.locate(offset), message, extra);
}
