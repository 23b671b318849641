/**
 * The COVID-19 FAQ benchmark data (deepset-ai/COVID-QA, Apache-2.0), read from
 * `../shared/data/` beside the repository root: the English FAQ rows, the paraphrase queries
 * (`similar = 1` pairs whose `question_1` is verbatim an English FAQ question) and the
 * near-miss queries (`similar = 0` pairs, same condition).
 */
import { parse } from "csv-parse/sync";

export interface Faq {
  id: string;
  question: string;
  answer: string;
  source: string;
  country: string;
}

/** A query with the ids of every FAQ that answers it (several when a question repeats). */
export interface FaqQuery {
  text: string;
  relevant: string[];
}

export interface FaqBenchData {
  faqs: Faq[];
  /** `similar = 1`: question_2 as the query, the FAQs asking question_1 as relevant. */
  queries: FaqQuery[];
  /** `similar = 0`: question_2 as the query, the FAQs asking question_1 as the near miss. */
  nearMisses: FaqQuery[];
}

/** The shared data folder, `../shared/data` from the repository root. */
export const SHARED_DATA_DIR = new URL("../../../../shared/data/", import.meta.url);

/** Loads the FAQ benchmark data, or returns undefined when the shared data folder is absent. */
export async function loadFaqBenchData(
  dir: URL = SHARED_DATA_DIR,
): Promise<FaqBenchData | undefined> {
  let tsv: string;
  let pairsCsv: string;
  try {
    tsv = await Deno.readTextFile(new URL("covid-faq.tsv", dir));
    pairsCsv = await Deno.readTextFile(new URL("covid-faq-question-similarity.csv", dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  const rows = parse(tsv, { columns: true, delimiter: "\t", relax_column_count: true }) as Record<
    string,
    string
  >[];
  const faqs: Faq[] = rows
    .filter((r) => r.lang === "en")
    .map((r, i) => ({
      id: `faq-${i}`,
      question: r.question.trim(),
      answer: r.answer.trim(),
      source: r.source ?? "",
      country: r.country ?? "",
    }));
  const byQuestion = new Map<string, string[]>();
  for (const f of faqs) byQuestion.set(f.question, [...(byQuestion.get(f.question) ?? []), f.id]);
  const pairs = parse(pairsCsv, { columns: true }) as {
    question_1: string;
    question_2: string;
    similar: string;
  }[];
  const queries: FaqQuery[] = [];
  const nearMisses: FaqQuery[] = [];
  for (const p of pairs) {
    const ids = byQuestion.get(p.question_1.trim());
    if (!ids) continue;
    const q = { text: p.question_2.trim(), relevant: ids };
    if (p.similar.trim() === "1") queries.push(q);
    else if (p.similar.trim() === "0") nearMisses.push(q);
  }
  return { faqs, queries, nearMisses };
}
