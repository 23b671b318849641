/**
 * Typed reads of parsed flags (`node:util` parseArgs gives strings and booleans); a value of the
 * wrong form is a `UsageError` naming the flag.
 */
import { UsageError } from "./usage_error.ts";

export type FlagValues = Record<string, string | boolean | undefined>;

export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

export function numberFlag(values: FlagValues, name: string): number | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`--${name} must be a number, not '${text}'`);
  }
  return value;
}

export function integerFlag(values: FlagValues, name: string): number | undefined {
  const value = numberFlag(values, name);
  if (value !== undefined && !Number.isInteger(value)) {
    throw new UsageError(`--${name} must be a whole number, not '${values[name]}'`);
  }
  return value;
}

/** A comma-separated list (`a,b,c`), blanks dropped. */
export function listFlag(values: FlagValues, name: string): string[] | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const items = text.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
  if (items.length === 0) throw new UsageError(`--${name} needs at least one value`);
  return items;
}

export function choiceFlag<T extends string>(
  values: FlagValues,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, not '${text}'`);
  }
  return text as T;
}
