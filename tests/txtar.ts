/**
 * txtar fixtures: one file holds a comment, then named sections `-- name --` with their contents, so the
 * input of a test and every expected output are reviewed side by side.
 * @module
 */

/** A parsed txtar archive. */
export interface Txtar {
  comment: string;
  files: { name: string; content: string }[];
}

const MARKER = /^-- (.+) --$/;

/** Parses txtar text. */
export function parseTxtar(text: string): Txtar {
  const sections: { name: string; lines: string[] }[] = [{ name: "", lines: [] }];
  for (const line of text.split("\n")) {
    const match = line.match(MARKER);
    if (match) sections.push({ name: match[1], lines: [] });
    else sections.at(-1)!.lines.push(line);
  }
  const [comment, ...files] = sections;
  return {
    comment: comment.lines.join("\n"),
    files: files.map((f) => ({ name: f.name, content: f.lines.join("\n") })),
  };
}

/** Formats an archive; every section ends with exactly one newline. */
export function formatTxtar(archive: Txtar): string {
  const body = archive.files.map((f) =>
    `-- ${f.name} --\n${f.content.endsWith("\n") ? f.content : f.content + "\n"}`
  ).join("");
  return (archive.comment ? archive.comment.replace(/\n*$/, "\n") : "") + body;
}

/** The content of section `name`, or undefined. */
export function section(archive: Txtar, name: string): string | undefined {
  return archive.files.find((f) => f.name === name)?.content;
}
