/**
 * A minimal valid PDF, written object by object with its cross-reference table computed:
 * one Helvetica text object per line on each page, and an optional Info dictionary title.
 */
export function minimalPdf(pages: string[][], title?: string): Uint8Array<ArrayBuffer> {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) + 0; // the object number
  const escape = (text: string) => text.replace(/[\\()]/g, "\\$&");
  add("<< /Type /Catalog /Pages 2 0 R >>");
  add("PAGES");
  add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const kids: number[] = [];
  for (const lines of pages) {
    const ops = lines.map((line, i) => `BT /F1 12 Tf 72 ${720 - 16 * i} Td (${escape(line)}) Tj ET`)
      .join("\n");
    const content = add(`<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
    kids.push(add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] ` +
        `/Resources << /Font << /F1 3 0 R >> >> /Contents ${content} 0 R >>`,
    ));
  }
  objects[1] = `<< /Type /Pages /Kids [${
    kids.map((k) => `${k} 0 R`).join(" ")
  }] /Count ${kids.length} >>`;
  const info = title === undefined ? undefined : add(`<< /Title (${escape(title)}) >>`);
  let file = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const offset = file.length;
    file += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = file.length;
  file += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  file += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  file += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${
    info ? ` /Info ${info} 0 R` : ""
  } >>\n`;
  file += `startxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(file);
}
