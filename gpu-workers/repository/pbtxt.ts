/**
 * Triton's `config.pbtxt`: protobuf text format, read into the JSON form of the same message
 * (protobuf's JSON mapping, as Triton prints a config), and written back.
 *
 * Reading is driven by model_config.proto's shape ({@link messageSpec}): a field that is repeated
 * in the proto is an array even when it appears once, enum fields take identifiers (or their
 * numbers), map fields (`parameters { key: "k" value { string_value: "v" } }`, repeated) become
 * JSON objects. Accepted syntax: `name { ... }`, `name: { ... }` and `name < ... >` messages,
 * `name: value` scalars, repetition or `name: [a, b]` lists (of scalars or messages), single or
 * double quoted strings with C escapes (adjacent strings concatenate), identifiers, decimal,
 * hexadecimal, octal and floating-point numbers with a sign, `inf`/`nan`, booleans, `#`
 * comments, and `,` or `;` after a field. Errors carry `line:column`.
 *
 * @example
 * ```ts
 * const config = parsePbtxt('max_batch_size: 8\ninstance_group { kind: KIND_GPU }');
 * // { max_batch_size: 8, instance_group: [{ kind: "KIND_GPU" }] }
 * ```
 */
import { unprocessable } from "@edgeml/shared/errors";
import {
  ENUMS,
  type FieldSpec,
  type FieldType,
  type MessageSpec,
  messageSpec,
  ROOT_MESSAGE,
  type ScalarType,
  suggestField,
} from "./model_config_proto.ts";

interface Position {
  line: number;
  column: number;
}

type TokenKind = "ident" | "number" | "string" | "punct" | "eof";
interface Token extends Position {
  kind: TokenKind;
  /** The identifier, the number's text, the punctuation, or the decoded string. */
  text: string;
}

type ValueNode =
  | { kind: "scalar"; token: Token; negative: boolean }
  | { kind: "message"; entries: Entry[]; pos: Position }
  | { kind: "list"; items: ValueNode[]; pos: Position };
interface Entry {
  name: string;
  pos: Position;
  value: ValueNode;
}

class PbtxtError extends Error {
  constructor(readonly pos: Position, message: string) {
    super(message);
  }
}

const PUNCT = new Set(["{", "}", "[", "]", "<", ">", ":", ",", ";", "-"]);
const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10,
  r: 13,
  t: 9,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  "\\": 92,
  "'": 39,
  '"': 34,
  "?": 63,
};
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): Position => ({ line, column: i - lineStart + 1 });
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const pos = here();
    if (PUNCT.has(c)) {
      tokens.push({ kind: "punct", text: c, ...pos });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const bytes: number[] = [];
      i++;
      for (;;) {
        if (i >= text.length || text[i] === "\n") {
          throw new PbtxtError(pos, "unterminated string");
        }
        const ch = text[i];
        if (ch === c) {
          i++;
          break;
        }
        if (ch !== "\\") {
          const cp = text.codePointAt(i)!;
          const s = String.fromCodePoint(cp);
          bytes.push(...utf8.encode(s));
          i += s.length;
          continue;
        }
        const escPos = here();
        const e = text[i + 1];
        i += 2;
        if (e !== undefined && e in SIMPLE_ESCAPES) bytes.push(SIMPLE_ESCAPES[e]);
        else if (e !== undefined && /[0-7]/.test(e)) {
          let digits = e;
          while (digits.length < 3 && /[0-7]/.test(text[i] ?? "")) digits += text[i++];
          const value = parseInt(digits, 8);
          if (value > 255) throw new PbtxtError(escPos, `octal escape \\${digits} is over 255`);
          bytes.push(value);
        } else if (e === "x" || e === "X") {
          let digits = "";
          while (digits.length < 2 && /[0-9a-fA-F]/.test(text[i] ?? "")) digits += text[i++];
          if (!digits) throw new PbtxtError(escPos, "\\x escape without hex digits");
          bytes.push(parseInt(digits, 16));
        } else if (e === "u" || e === "U") {
          const length = e === "u" ? 4 : 8;
          const digits = text.slice(i, i + length);
          if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) {
            throw new PbtxtError(escPos, `\\${e} escape needs ${length} hex digits`);
          }
          i += length;
          const cp = parseInt(digits, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw new PbtxtError(escPos, `\\${e}${digits} is not a Unicode scalar value`);
          }
          bytes.push(...utf8.encode(String.fromCodePoint(cp)));
        } else {
          throw new PbtxtError(escPos, `unknown escape \\${e ?? ""}`);
        }
      }
      let decoded: string;
      try {
        decoded = strictUtf8.decode(new Uint8Array(bytes));
      } catch {
        throw new PbtxtError(pos, "string is not valid UTF-8");
      }
      tokens.push({ kind: "string", text: decoded, ...pos });
      continue;
    }
    const number = /^(0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fF]?)/
      .exec(text.slice(i, i + 400));
    if (number) {
      const after = text[i + number[0].length];
      if (after !== undefined && /[A-Za-z0-9_.]/.test(after)) {
        throw new PbtxtError(pos, `malformed number '${number[0]}${after}'`);
      }
      tokens.push({ kind: "number", text: number[0], ...pos });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 400));
    if (ident) {
      tokens.push({ kind: "ident", text: ident[0], ...pos });
      i += ident[0].length;
      continue;
    }
    throw new PbtxtError(pos, `unexpected character '${c}'`);
  }
  tokens.push({ kind: "eof", text: "end of file", ...here() });
  return tokens;
}

class Parser {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  get #peek(): Token {
    return this.tokens[this.#i];
  }

  #is(text: string): boolean {
    const t = this.#peek;
    return t.kind === "punct" && t.text === text;
  }

  #expect(text: string, what: string): Token {
    const t = this.#peek;
    if (!this.#is(text)) throw new PbtxtError(t, `expected ${what}, found ${describe(t)}`);
    this.#i++;
    return t;
  }

  /** Fields up to `close` (`}` or `>`), or to the end of the file for the top level. */
  message(close?: string): Entry[] {
    const entries: Entry[] = [];
    for (;;) {
      const t = this.#peek;
      if (close ? this.#is(close) : t.kind === "eof") break;
      if (t.kind === "eof") throw new PbtxtError(t, `expected '${close}' before end of file`);
      if (t.kind !== "ident") {
        const hint = this.#is("[") ? " (extensions are not part of Triton's config)" : "";
        throw new PbtxtError(t, `expected a field name, found ${describe(t)}${hint}`);
      }
      this.#i++;
      entries.push({ name: t.text, pos: t, value: this.#fieldValue(t) });
      if (this.#is(",") || this.#is(";")) this.#i++;
    }
    return entries;
  }

  #fieldValue(name: Token): ValueNode {
    if (this.#is(":")) {
      this.#i++;
      if (this.#is("[")) return this.#list();
      return this.#value();
    }
    if (this.#is("{") || this.#is("<")) return this.#messageValue();
    if (this.#is("[")) return this.#list();
    throw new PbtxtError(
      this.#peek,
      `expected ':' or '{' after field name '${name.text}', found ${describe(this.#peek)}`,
    );
  }

  #messageValue(): ValueNode {
    const open = this.tokens[this.#i++];
    const close = open.text === "{" ? "}" : ">";
    const entries = this.message(close);
    this.#expect(close, `'${close}'`);
    return { kind: "message", entries, pos: open };
  }

  #list(): ValueNode {
    const open = this.#expect("[", "'['");
    const items: ValueNode[] = [];
    if (!this.#is("]")) {
      for (;;) {
        items.push(this.#value());
        if (this.#is(",")) {
          this.#i++;
          continue;
        }
        break;
      }
    }
    this.#expect("]", "',' or ']'");
    return { kind: "list", items, pos: open };
  }

  #value(): ValueNode {
    if (this.#is("{") || this.#is("<")) return this.#messageValue();
    let negative = false;
    if (this.#is("-")) {
      negative = true;
      this.#i++;
    }
    const t = this.#peek;
    if (t.kind === "string" && !negative) {
      // Adjacent strings concatenate, as in C.
      let text = t.text;
      this.#i++;
      while (this.#peek.kind === "string") text += this.tokens[this.#i++].text;
      return { kind: "scalar", token: { ...t, text }, negative };
    }
    if (t.kind === "number" || t.kind === "ident") {
      this.#i++;
      return { kind: "scalar", token: t, negative };
    }
    throw new PbtxtError(t, `expected a value, found ${describe(t)}`);
  }
}

function describe(t: Token): string {
  if (t.kind === "eof") return "end of file";
  if (t.kind === "string") return `string "${t.text.slice(0, 40)}"`;
  return `'${t.text}'`;
}

type Json = string | number | boolean | Json[] | { [key: string]: Json };

function where(path: string): string {
  return path ? `'${path}'` : "the config";
}

function typeName(type: FieldType): string {
  return type.kind === "scalar" ? type.scalar : type.name;
}

/** The JSON of one message node, checked against its spec. */
function convertMessage(entries: Entry[], spec: MessageSpec, path: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  const oneofs = new Map<string, string>();
  for (const entry of entries) {
    const field = spec.fields.get(entry.name);
    const fieldPath = path ? `${path}.${entry.name}` : entry.name;
    if (!field) {
      const suggestion = suggestField(spec, entry.name);
      throw new PbtxtError(
        entry.pos,
        `unknown field '${entry.name}' in ${where(path)}: not a field of Triton's ` +
          `model configuration (${spec.name})${
            suggestion ? `; did you mean '${suggestion}'?` : ""
          }`,
      );
    }
    if (field.oneof) {
      const other = oneofs.get(field.oneof);
      if (other !== undefined && other !== field.name) {
        throw new PbtxtError(entry.pos, `'${fieldPath}' and '${other}' exclude each other`);
      }
      oneofs.set(field.oneof, field.name);
    }
    if (field.mapKey) {
      const map = (out[field.name] ??= {}) as Record<string, Json>;
      const items = entry.value.kind === "list" ? entry.value.items : [entry.value];
      for (const item of items) convertMapEntry(item, field, fieldPath, map);
      continue;
    }
    if (field.repeated) {
      const list = (out[field.name] ??= []) as Json[];
      const items = entry.value.kind === "list" ? entry.value.items : [entry.value];
      for (const item of items) list.push(convertValue(item, field, `${fieldPath}.${list.length}`));
      continue;
    }
    if (entry.value.kind === "list") {
      throw new PbtxtError(entry.pos, `'${fieldPath}' is not repeated; it takes one value`);
    }
    if (field.name in out) {
      throw new PbtxtError(entry.pos, `'${fieldPath}' is given twice (it is not repeated)`);
    }
    out[field.name] = convertValue(entry.value, field, fieldPath);
  }
  return out;
}

function convertMapEntry(
  node: ValueNode,
  field: FieldSpec,
  path: string,
  into: Record<string, Json>,
): void {
  if (node.kind !== "message") {
    throw new PbtxtError(
      positionOf(node),
      `'${path}' is a map: write ${path.split(".").pop()} { key: ... value: ... }`,
    );
  }
  let key: Entry | undefined;
  let value: Entry | undefined;
  for (const entry of node.entries) {
    if (entry.name === "key" && !key) key = entry;
    else if (entry.name === "value" && !value) value = entry;
    else {
      throw new PbtxtError(
        entry.pos,
        `a '${path}' entry has only 'key' and 'value', once each; found '${entry.name}'`,
      );
    }
  }
  if (!key) throw new PbtxtError(node.pos, `a '${path}' entry has no key`);
  const keyJson = convertScalar(key.value, field.mapKey!, `${path} key`);
  const keyText = String(keyJson);
  const entryPath = `${path}.${keyText}`;
  if (!value) {
    into[keyText] = field.type.kind === "message" ? {} : defaultScalar(field.type);
    return;
  }
  if (value.value.kind === "list") {
    throw new PbtxtError(value.pos, `'${entryPath}' takes one value`);
  }
  into[keyText] = convertValue(value.value, { ...field, mapKey: undefined }, entryPath);
}

function defaultScalar(type: FieldType): Json {
  if (type.kind === "enum") return ENUMS[type.name][0];
  if (type.kind === "scalar") {
    return type.scalar === "string" ? "" : type.scalar === "bool" ? false : 0;
  }
  return {};
}

function positionOf(node: ValueNode): Position {
  return node.kind === "scalar" ? node.token : node.pos;
}

function convertValue(node: ValueNode, field: FieldSpec, path: string): Json {
  if (field.type.kind === "message") {
    if (node.kind !== "message") {
      throw new PbtxtError(
        positionOf(node),
        `'${path}' is a message (${field.type.name}): write ${field.name} { ... }, not a ${node.kind}`,
      );
    }
    return convertMessage(node.entries, messageSpec(field.type.name), path);
  }
  if (node.kind !== "scalar") {
    throw new PbtxtError(
      positionOf(node),
      `'${path}' takes a ${typeName(field.type)} value, not a ${node.kind}`,
    );
  }
  if (field.type.kind === "enum") {
    const values = ENUMS[field.type.name];
    const t = node.token;
    if (t.kind === "ident" && !node.negative && values.includes(t.text)) return t.text;
    if (t.kind === "number" && !node.negative && /^[0-9]+$/.test(t.text)) {
      const index = Number(t.text);
      if (index < values.length) return values[index];
    }
    throw new PbtxtError(
      t,
      `'${path}' takes one of ${values.join(", ")}; found ${node.negative ? "-" : ""}${
        describe(t)
      }`,
    );
  }
  return convertScalar(node, field.type.scalar, path);
}

const INT_RANGES: Partial<Record<ScalarType, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

function convertScalar(node: ValueNode, type: ScalarType, path: string): Json {
  if (node.kind !== "scalar") {
    throw new PbtxtError(positionOf(node), `'${path}' takes a ${type} value, not a ${node.kind}`);
  }
  const t = node.token;
  const sign = node.negative ? -1 : 1;
  const fail = (): never => {
    throw new PbtxtError(
      t,
      `'${path}' takes a ${type} value; found ${node.negative ? "-" : ""}${describe(t)}`,
    );
  };
  switch (type) {
    case "string":
      return t.kind === "string" ? t.text : fail();
    case "bool":
      if (t.kind === "ident" && !node.negative) {
        if (["true", "True", "t"].includes(t.text)) return true;
        if (["false", "False", "f"].includes(t.text)) return false;
      }
      if (t.kind === "number" && !node.negative && (t.text === "0" || t.text === "1")) {
        return t.text === "1";
      }
      return fail();
    case "float":
    case "double": {
      if (t.kind === "ident") {
        const lower = t.text.toLowerCase();
        if (lower === "inf" || lower === "infinity") return sign * Infinity;
        if (lower === "nan") return NaN;
        return fail();
      }
      if (t.kind !== "number") return fail();
      const text = t.text.replace(/[fF]$/, "");
      const value = /^0[xX]/.test(text) ? parseInt(text, 16) : Number(text);
      return Number.isNaN(value) ? fail() : sign * value;
    }
    default: {
      if (t.kind !== "number") return fail();
      let value: number;
      if (/^0[xX][0-9a-fA-F]+$/.test(t.text)) value = parseInt(t.text, 16);
      else if (/^0[0-7]+$/.test(t.text)) value = parseInt(t.text, 8);
      else if (/^(0|[1-9][0-9]*)$/.test(t.text)) value = Number(t.text);
      else {
        throw new PbtxtError(t, `'${path}' takes an integer (${type}); found '${t.text}'`);
      }
      value *= sign;
      const [min, max] = INT_RANGES[type]!;
      if (value < min || value > max) {
        throw new PbtxtError(t, `'${path}' is out of range for ${type}: ${value}`);
      }
      return value;
    }
  }
}

/**
 * Parses a `config.pbtxt` into Triton's model-config JSON (protobuf JSON mapping, snake_case).
 * Errors are `unprocessable("invalid_model_config")`, their detail starting with
 * `<source>:<line>:<column>:` and `extra` carrying `line` and `column`.
 */
export function parsePbtxt(text: string, source = "config.pbtxt"): Record<string, unknown> {
  try {
    const entries = new Parser(tokenize(text)).message();
    return convertMessage(entries, messageSpec(ROOT_MESSAGE), "");
  } catch (e) {
    if (!(e instanceof PbtxtError)) throw e;
    throw unprocessable(
      "invalid_model_config",
      `${source}:${e.pos.line}:${e.pos.column}: ${e.message}`,
      { extra: { line: e.pos.line, column: e.pos.column } },
    );
  }
}

function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\" + code.toString(8).padStart(3, "0");
    else out += ch;
  }
  return out + '"';
}

function scalarText(value: unknown, type: FieldType, path: string): string {
  if (type.kind === "enum") return String(value);
  if (type.kind === "scalar" && type.scalar === "string") return quote(String(value));
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string" && /^-?[0-9]+$/.test(value)) return value; // int64 as a string
  throw new Error(`toPbtxt: '${path}' has a ${typeof value}, not a ${typeName(type)}`);
}

function writeMessage(
  value: Record<string, unknown>,
  spec: MessageSpec,
  indent: string,
  path: string,
): string {
  let out = "";
  for (const [name, fieldValue] of Object.entries(value)) {
    if (fieldValue === undefined) continue;
    const field = spec.fields.get(name);
    const fieldPath = path ? `${path}.${name}` : name;
    if (!field) throw new Error(`toPbtxt: '${fieldPath}' is not a field of ${spec.name}`);
    const writeOne = (v: unknown, p: string): string =>
      field.type.kind === "message"
        ? `{\n${
          writeMessage(v as Record<string, unknown>, messageSpec(field.type.name), indent + "  ", p)
        }${indent}}`
        : scalarText(v, field.type, p);
    if (field.mapKey) {
      for (const [key, v] of Object.entries(fieldValue as Record<string, unknown>)) {
        const keyText = field.mapKey === "string" ? quote(key) : key;
        const valueText = writeOne(v, `${fieldPath}.${key}`).replaceAll("\n", "\n  ");
        out += `${indent}${name} {\n${indent}  key: ${keyText}\n${indent}  value: ${valueText}\n` +
          `${indent}}\n`;
      }
    } else if (field.repeated) {
      const items = fieldValue as unknown[];
      if (field.type.kind === "message") {
        for (const [i, item] of items.entries()) {
          out += `${indent}${name} ${writeOne(item, `${fieldPath}.${i}`)}\n`;
        }
      } else {
        const texts = items.map((item, i) => writeOne(item, `${fieldPath}.${i}`));
        out += `${indent}${name}: [${texts.join(", ")}]\n`;
      }
    } else if (field.type.kind === "message") {
      out += `${indent}${name} ${writeOne(fieldValue, fieldPath)}\n`;
    } else {
      out += `${indent}${name}: ${writeOne(fieldValue, fieldPath)}\n`;
    }
  }
  return out;
}

/**
 * Writes Triton's model-config JSON (snake_case names) as `config.pbtxt` text; throws on a name
 * that is not in Triton's proto. `parsePbtxt(toPbtxt(x))` gives `x` back (int64 strings as
 * numbers).
 */
export function toPbtxt(config: Record<string, unknown>): string {
  return writeMessage(config, messageSpec(ROOT_MESSAGE), "", "");
}
