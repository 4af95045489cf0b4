/**
 * A small CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF) for the loss logs of other trainers:
 * W&B and TensorBoard exports, hand-written tables.
 * @module
 */

/** A table: the header's column names and the rows as strings. */
export interface Table {
  columns: string[];
  rows: string[][];
}

/**
 * Parses CSV text; the first record is the header. Blank lines are skipped.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv_table.ts";
 * const table = parseCsv('Step,"train/loss"\n1,3.5\n');
 * console.assert(table.columns[1] === "train/loss" && table.rows[0][1] === "3.5");
 * ```
 */
export function parseCsv(text: string): Table {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  const endRecord = () => {
    record.push(field);
    if (record.length > 1 || record[0].trim() !== "") records.push(record);
    [record, field] = [[], ""];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") record.push(field), field = "";
    else if (c === "\n") endRecord();
    else if (c !== "\r") field += c;
  }
  if (field !== "" || record.length) endRecord();
  const [header = [], ...rows] = records;
  return { columns: header.map((h) => h.replace(/^\uFEFF/, "").trim()), rows };
}

/**
 * A JSON-lines log as a table: the columns are every key seen, in order of appearance; lines that are not
 * JSON objects are skipped.
 *
 * @example
 * ```ts
 * import { parseJsonLines } from "./csv_table.ts";
 * const table = parseJsonLines('{"step":1,"loss":3}\n');
 * console.assert(table.columns.join() === "step,loss" && table.rows[0].join() === "1,3");
 * ```
 */
export function parseJsonLines(text: string): Table {
  const objects = text.split("\n").flatMap((line) => {
    try {
      const value = JSON.parse(line);
      return value && typeof value === "object" && !Array.isArray(value)
        ? [value as Record<string, unknown>]
        : [];
    } catch {
      return [];
    }
  });
  const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const cell = (v: unknown) => (typeof v === "number" || typeof v === "string" ? String(v) : "");
  return { columns, rows: objects.map((o) => columns.map((c) => cell(o[c]))) };
}
