/**
 * Builds tar archives byte by byte (ustar headers), so tests can craft the
 * entries a careful archiver would never write: absolute names, `..`,
 * links pointing anywhere, lying sizes.
 */
export type RawEntry = {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo';
  body?: string;
  linkname?: string;
  mode?: number;
  /** Size written in the header, when it should not match the body. */
  declaredSize?: number;
};

const TYPE_FLAGS = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  fifo: '6',
  dir: '5',
};

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(entry: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  const write = (text: string, offset: number, width: number) =>
    block.write(text.slice(0, width), offset, width, 'utf8');
  const type = entry.type ?? 'file';
  write(entry.name, 0, 100);
  write(octal(entry.mode ?? (type === 'dir' ? 0o755 : 0o644), 8), 100, 8);
  write(octal(0, 8), 108, 8);
  write(octal(0, 8), 116, 8);
  write(octal(size, 12), 124, 12);
  write(octal(1700000000, 12), 136, 12);
  write('        ', 148, 8);
  write(TYPE_FLAGS[type], 156, 1);
  write(entry.linkname ?? '', 157, 100);
  write('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

export function rawTar(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    blocks.push(header(entry, entry.declaredSize ?? body.length));
    if (body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
