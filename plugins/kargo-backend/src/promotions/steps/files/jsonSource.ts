import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';

/*
 * A JSON document as positions in its source text, so that an update can
 * replace or insert exactly the bytes it must and leave key order,
 * indentation and number spelling (1.0, 1e3) of everything else alone.
 */

export type JsonMember = {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
};

export type JsonNode =
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'scalar'; start: number; end: number };

class Scanner {
  position = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (/[ \t\n\r]/.test(this.text[this.position] ?? '')) this.position++;
  }

  string(): number {
    const start = this.position;
    this.position++; // opening quote
    while (this.text[this.position] !== '"') {
      this.position += this.text[this.position] === '\\' ? 2 : 1;
    }
    this.position++;
    return start;
  }

  value(): JsonNode {
    this.skipSpace();
    const start = this.position;
    const char = this.text[start];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') this.string();
    else {
      while (/[^\s,\]}]/.test(this.text[this.position] ?? ' ')) this.position++;
    }
    return { kind: 'scalar', start, end: this.position };
  }

  object(): JsonNode {
    const start = this.position++;
    const members: JsonMember[] = [];
    this.skipSpace();
    while (this.text[this.position] !== '}') {
      this.skipSpace();
      const keyStart = this.string();
      const keyEnd = this.position;
      const key = JSON.parse(this.text.slice(keyStart, keyEnd)) as string;
      this.skipSpace();
      this.position++; // colon
      members.push({ key, keyStart, keyEnd, value: this.value() });
      this.skipSpace();
      if (this.text[this.position] === ',') this.position++;
      this.skipSpace();
    }
    this.position++;
    return { kind: 'object', start, end: this.position, members };
  }

  array(): JsonNode {
    const start = this.position++;
    const items: JsonNode[] = [];
    this.skipSpace();
    while (this.text[this.position] !== ']') {
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.position] === ',') this.position++;
      this.skipSpace();
    }
    this.position++;
    return { kind: 'array', start, end: this.position, items };
  }
}

/**
 * Parses `text` (validated by JSON.parse first, so the scanner may trust
 * its shape) into positioned nodes.
 */
export function parseJsonSource(text: string): JsonNode {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new TerminalStepError(`not valid JSON: ${(error as Error).message}`);
  }
  const scanner = new Scanner(text);
  return scanner.value();
}

/** The whitespace a line starts with, for the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** One level of indentation as the file uses it (two spaces if unknown). */
export function indentUnit(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  return match ? match[1] : '  ';
}
