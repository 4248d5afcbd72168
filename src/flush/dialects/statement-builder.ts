import { Sql } from '@prisma/client/runtime/client';

/**
 * Builds one statement as flat text and bound values, in the order they appear: what
 * `Prisma.sql` / `Prisma.join` produce, without nesting one `Sql` per row and value that Prisma
 * then flattens again. A small unit's commit builds every statement anew (Prisma's adapters
 * prepare every statement anew too), so the cost of building counts.
 *
 * Values are always bound parameters; text comes from the schema (quoted identifiers) and the
 * dialect, never from values.
 *
 * @example
 * ```ts
 * const b = new StatementBuilder('UPDATE "User" SET "name" = ');
 * b.value('Ann').text(' WHERE "id" IN (').list([1, 2]).text(')');
 * await tx.$queryRaw(b.build()); // UPDATE "User" SET "name" = ? WHERE "id" IN (?, ?)
 * ```
 *
 * @internal
 * @module
 */
export class StatementBuilder {
  private readonly strings: string[];
  private readonly bound: unknown[] = [];

  constructor(text = '') {
    this.strings = [text];
  }

  /** Appends text. */
  text(text: string): this {
    this.strings[this.strings.length - 1] += text;
    return this;
  }

  /** Appends one bound value. */
  value(value: unknown): this {
    this.bound.push(value);
    this.strings.push('');
    return this;
  }

  /** Appends bound values separated by `separator` (`?, ?, ?`). */
  list(values: readonly unknown[], separator = ', '): this {
    values.forEach((value, i) => {
      if (i > 0) this.text(separator);
      this.value(value);
    });
    return this;
  }

  /** Appends rows of bound values as `(?, ?), (?, ?)`. */
  rows(rows: readonly (readonly unknown[])[]): this {
    rows.forEach((row, i) => {
      this.text(i === 0 ? '(' : ', (');
      this.list(row);
      this.text(')');
    });
    return this;
  }

  /** Appends what `part` holds (text and values), e.g. a clause every chunk of a step repeats. */
  append(part: StatementBuilder): this {
    part.bound.forEach((value, i) => this.text(part.strings[i]!).value(value));
    return this.text(part.strings[part.bound.length]!);
  }

  /** How many values are bound so far. */
  get size(): number {
    return this.bound.length;
  }

  /** The statement, for `$queryRaw` / `$executeRaw`. */
  build(): Sql {
    return new Sql(this.strings, this.bound);
  }
}
