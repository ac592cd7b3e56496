import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { describeKey, parseIndex, type KeyPart } from './keyPath';
import {
  indentUnit,
  lineIndent,
  parseJsonSource,
  type JsonNode,
} from './jsonSource';

/*
 * Sets one value in JSON source text with tidwall/sjson's semantics (which
 * Kargo's json-update uses): missing keys are created, a numeric part
 * creates or extends a list (`-1` appends, an index past the end pads with
 * nulls), `:1` forces an object key, and a scalar in the way is replaced.
 * Only the bytes of the changed value (or the inserted member) change; new
 * members go last, indented like their siblings.
 */

type Layout = { unit: string; colon: string; multiLine: boolean };

/** `, ` between single-line members, or `,` in minified JSON. */
function comma(layout: Layout): string {
  return layout.colon === ':' ? ',' : ', ';
}

function isMultiLine(text: string, node: JsonNode): boolean {
  return text.slice(node.start, node.end).includes('\n');
}

/** The value to write at the end of `rest` (nested maps/lists as needed). */
function build(rest: KeyPart[], value: unknown): unknown {
  if (rest.length === 0) return value;
  const [part, ...tail] = rest;
  const index = parseIndex(part);
  if (index === undefined) return { [part.name]: build(tail, value) };
  const padding = index > 0 ? new Array(index).fill(null) : [];
  return [...padding, build(tail, value)];
}

/** JSON text of `value` laid out like the file; `indent` is its line's. */
function render(value: unknown, indent: string, layout: Layout): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent + layout.unit;
  const parts = Array.isArray(value)
    ? value.map(v => render(v, inner, layout))
    : Object.entries(value).map(
        ([k, v]) =>
          `${JSON.stringify(k)}${layout.colon}${render(v, inner, layout)}`,
      );
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (parts.length === 0) return open + close;
  if (!layout.multiLine) return open + parts.join(comma(layout)) + close;
  return `${open}\n${parts.map(p => inner + p).join(',\n')}\n${indent}${close}`;
}

function splice(
  text: string,
  start: number,
  end: number,
  insert: string,
): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function insertMember(
  text: string,
  object: Extract<JsonNode, { kind: 'object' }>,
  key: string,
  value: unknown,
  layout: Layout,
): string {
  const name = JSON.stringify(key);
  const members = object.members;
  if (members.length === 0) {
    const base = lineIndent(text, object.start);
    if (!layout.multiLine) {
      return splice(
        text,
        object.start,
        object.end,
        `{${name}${layout.colon}${render(value, '', layout)}}`,
      );
    }
    const inner = base + layout.unit;
    const body = `${name}${layout.colon}${render(value, inner, layout)}`;
    return splice(
      text,
      object.start,
      object.end,
      `{\n${inner}${body}\n${base}}`,
    );
  }
  const last = members[members.length - 1];
  const colon = text.slice(last.keyEnd, last.value.start);
  if (isMultiLine(text, object)) {
    const indent = lineIndent(text, last.keyStart);
    const member = `,\n${indent}${name}${colon}${render(
      value,
      indent,
      layout,
    )}`;
    return splice(text, last.value.end, last.value.end, member);
  }
  const separator =
    members.length > 1
      ? text.slice(members[members.length - 2].value.end, last.keyStart)
      : comma(layout);
  const member = `${separator}${name}${colon}${render(value, '', {
    ...layout,
    multiLine: false,
  })}`;
  return splice(text, last.value.end, last.value.end, member);
}

function appendItems(
  text: string,
  array: Extract<JsonNode, { kind: 'array' }>,
  values: unknown[],
  layout: Layout,
): string {
  const items = array.items;
  if (items.length === 0) {
    const base = lineIndent(text, array.start);
    if (!layout.multiLine) {
      return splice(
        text,
        array.start,
        array.end,
        `[${values.map(v => render(v, '', layout)).join(comma(layout))}]`,
      );
    }
    const inner = base + layout.unit;
    const body = values.map(v => inner + render(v, inner, layout)).join(',\n');
    return splice(text, array.start, array.end, `[\n${body}\n${base}]`);
  }
  const last = items[items.length - 1];
  let insert: string;
  if (isMultiLine(text, array)) {
    const indent = lineIndent(text, last.start);
    insert = values
      .map(v => `,\n${indent}${render(v, indent, layout)}`)
      .join('');
  } else {
    const separator =
      items.length > 1
        ? text.slice(items[items.length - 2].end, last.start)
        : comma(layout);
    const flat = { ...layout, multiLine: false };
    insert = values.map(v => separator + render(v, '', flat)).join('');
  }
  return splice(text, last.end, last.end, insert);
}

export function setJsonValue(
  source: string,
  parts: KeyPart[],
  value: unknown,
): string {
  // sjson treats an empty document as an empty object.
  const text = source.trim() === '' ? '{}' : source;
  let node = parseJsonSource(text);
  const colonMatch = /"([ \t]*:[ \t]*)/.exec(text);
  const multiLine = text.trim().includes('\n');
  const defaultColon = multiLine ? ': ' : ':';
  const layout: Layout = {
    unit: indentUnit(text),
    colon: colonMatch ? colonMatch[1] : defaultColon,
    multiLine,
  };
  for (const [i, part] of parts.entries()) {
    const rest = parts.slice(i + 1);
    if (node.kind === 'object') {
      const member = node.members.find(m => m.key === part.name);
      if (!member) {
        return insertMember(text, node, part.name, build(rest, value), layout);
      }
      node = member.value;
    } else if (node.kind === 'array') {
      const index = parseIndex(part);
      if (index === undefined) {
        throw new TerminalStepError(
          `key ${describeKey(parts)}: ${describeKey(
            parts.slice(0, i),
          )} is a list, so "${part.name}" must be an index`,
        );
      }
      if (index >= 0 && index < node.items.length) {
        node = node.items[index];
        continue;
      }
      const padding = index > node.items.length ? index - node.items.length : 0;
      const values = [...new Array(padding).fill(null), build(rest, value)];
      return appendItems(text, node, values, layout);
    } else {
      const replacement = build(parts.slice(i), value);
      const indent = lineIndent(text, node.start);
      return splice(
        text,
        node.start,
        node.end,
        render(replacement, indent, layout),
      );
    }
  }
  const indent = lineIndent(text, node.start);
  return splice(text, node.start, node.end, render(value, indent, layout));
}
