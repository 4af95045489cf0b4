/**
 * A reader of the emitted CSV, as a trainer that replays a table would read it: the lr column, row per update.
 * @module
 */

/** The lr column of the emitted CSV, in row order (rows must be updates 0, 1, 2, ...). */
export function lrTrace(text: string): number[] {
  const [header, ...rows] = text.trimEnd().split("\n");
  const column = header.split(",").indexOf("lr");
  return rows.map((row, k) => {
    const cells = row.split(",");
    if (Number(cells[0]) !== k) throw new Error(`Row ${k} is for update "${cells[0]}"`);
    return Number(cells[column]);
  });
}
