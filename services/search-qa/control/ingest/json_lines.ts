/**
 * Line numbers for JSON, which `JSON.parse` does not give: where a syntax error is, and on
 * which line each element of a top-level array property (`FaqDocuments`) starts. One
 * iterative pass over the text (an explicit stack, so no nesting depth overflows it).
 * @module
 */

/** The result of {@link scanJson}. */
export interface JsonScan {
  /** The first syntax error, with its 1-based line and column. */
  error?: { line: number; column: number; problem: string };
  /** The line of each element of the top-level object's `arrayKey` array. */
  elementLines: number[];
}

interface Frame {
  kind: "{" | "[";
  key?: string;
  index: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON strings may not hold raw control characters (U+0000 to U+001F).
// deno-lint-ignore no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

function match(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

/**
 * Scans `text` as JSON.
 *
 * @example
 * ```ts
 * scanJson('{"FaqDocuments": [\n{}, \n{}]}', "FaqDocuments").elementLines; // [2, 3]
 * scanJson('{\n "a": }').error; // { line: 2, column: 7, problem: "expected a value" }
 * ```
 */
export function scanJson(text: string, arrayKey?: string): JsonScan {
  const elementLines: number[] = [];
  const stack: Frame[] = [];
  let line = 1;
  let lineStart = 0;
  let at = 0;
  const skipSpace = () => {
    const end = match(SPACE, text, at);
    for (let i = text.indexOf("\n", at); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    at = end;
  };
  const fail = (problem: string): JsonScan => ({
    error: { line, column: at - lineStart + 1, problem },
    elementLines,
  });
  // "value": a value must come next; "key": a property name; "after": `,` or a closing bracket.
  let expect: "value" | "key" | "after" = "value";
  let allowClose = false;
  while (true) {
    skipSpace();
    const top = stack.at(-1);
    const char = text[at];
    if (expect === "after") {
      if (top === undefined) {
        return at === text.length ? { elementLines } : fail("unexpected text after the end");
      }
      if (char === ",") {
        at++;
        expect = top.kind === "{" ? "key" : "value";
        allowClose = false;
        if (top.kind === "[") top.index++;
        continue;
      }
      if (char === (top.kind === "{" ? "}" : "]")) {
        at++;
        stack.pop();
        continue;
      }
      return fail(top.kind === "{" ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    if (allowClose && top !== undefined && char === (top.kind === "{" ? "}" : "]")) {
      at++;
      stack.pop();
      expect = "after";
      allowClose = false;
      continue;
    }
    allowClose = false;
    if (expect === "key") {
      const end = match(STRING, text, at);
      if (end === -1) return fail("expected a property name in double quotes");
      top!.key = JSON.parse(text.slice(at, end));
      at = end;
      skipSpace();
      if (text[at] !== ":") return fail("expected ':'");
      at++;
      expect = "value";
      continue;
    }
    if (
      arrayKey !== undefined && stack.length === 2 && stack[0].kind === "{" &&
      stack[0].key === arrayKey && stack[1].kind === "["
    ) elementLines[stack[1].index] = line;
    if (char === "{" || char === "[") {
      stack.push({ kind: char, index: 0 });
      at++;
      expect = char === "{" ? "key" : "value";
      allowClose = true;
      continue;
    }
    const end = Math.max(
      match(STRING, text, at),
      match(NUMBER, text, at),
      match(LITERAL, text, at),
    );
    if (end === -1) {
      return fail(
        at === text.length
          ? "the text ends before the value"
          : char === '"'
          ? "a string is not closed, or holds a line break or a bad escape"
          : "expected a value",
      );
    }
    at = end;
    expect = "after";
  }
}
