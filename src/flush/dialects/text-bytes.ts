/**
 * A text built as UTF-8 bytes in one growing `Buffer`, for the large JSON parameters of the
 * MariaDB bulk statements (10,000 rows are a few hundred kilobytes of JSON).
 *
 * Why not `out += ...`: a string built by concatenation is a rope, one small heap object per
 * piece, all alive until the text is sent. At 10,000 rows those were about 4 MB of young objects
 * that every garbage collection during the commit had to copy; measured on the flush benchmark
 * (bench/mariadb-paths.ts), collections were most of the commit's own CPU time. Here the pieces
 * are short-lived (a number's digits, a Decimal's `toFixed()`), the bytes live outside the heap,
 * and the text becomes one flat string only when it is taken out ({@link TextBytes.text}).
 *
 * @example
 * ```ts
 * const out = new TextBytes(64);
 * out.byte(0x5b); // [
 * out.ascii('17.5');
 * out.utf8('"ü"');
 * out.byte(0x5d); // ]
 * out.text(0, out.length); // '[17.5"ü"]'
 * ```
 *
 * @internal
 * @module
 */
export class TextBytes {
  private bytes: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  /** Makes room for `more` bytes. */
  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + more));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** One byte (an ASCII character code). */
  byte(code: number): void {
    this.reserve(1);
    this.bytes[this.length++] = code;
  }

  /**
   * Text that is ASCII in the common case (digits, a Decimal, a date, hex): copied byte by byte
   * without a call into the runtime; any other character sends the whole text to {@link utf8}.
   */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    const bytes = this.bytes;
    const start = this.length;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.length = start;
        this.utf8(text);
        return;
      }
      bytes[start + i] = code;
    }
    this.length = start + n;
  }

  /**
   * The digits of a non-negative safe integer, left-padded with zeros to `width`, written from
   * the number itself: no string per value.
   */
  digits(value: number, width = 1): void {
    let count = 1;
    for (let bound = 10; bound <= value && count < 16; bound *= 10) count++;
    if (count < width) count = width;
    this.reserve(count);
    const bytes = this.bytes;
    const end = this.length + count;
    let at = end - 1;
    if (value <= 0x7fffffff) {
      // Small integers: 32-bit arithmetic.
      for (let rest = value | 0; at >= this.length; at--) {
        const next = (rest / 10) | 0;
        bytes[at] = 0x30 + (rest - next * 10);
        rest = next;
      }
    } else {
      for (let rest = value; at >= this.length; at--) {
        const next = Math.floor(rest / 10);
        bytes[at] = 0x30 + (rest - next * 10);
        rest = next;
      }
    }
    this.length = end;
  }

  /** The byte at `at` (written before). */
  at(at: number): number {
    return this.bytes[at]!;
  }

  /** Moves the bytes from `at` on one place on and writes `code` at `at`. */
  insert(at: number, code: number): void {
    this.reserve(1);
    const bytes = this.bytes;
    // Byte by byte: what moves is a few digits, cheaper than a call into the runtime.
    for (let i = this.length; i > at; i--) bytes[i] = bytes[i - 1]!;
    bytes[at] = code;
    this.length++;
  }

  /** Overwrites the byte at `at` (written before) with `code`. */
  patch(at: number, code: number): void {
    this.bytes[at] = code;
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  /** The text of bytes `from` to `to` (exclusive), as one flat string. */
  text(from: number, to: number): string {
    return this.bytes.toString('utf8', from, to);
  }
}
