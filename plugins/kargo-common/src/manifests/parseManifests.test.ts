import { ManifestParseError, parseManifests } from './parseManifests';

const parseError = (fn: () => unknown): ManifestParseError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ManifestParseError) return e;
    throw e;
  }
  throw new Error('expected a ManifestParseError');
};

describe('parseManifests', () => {
  it('reads several YAML documents and skips empty ones', () => {
    const body = [
      '---',
      'kind: Project',
      'metadata: {name: a}',
      '---',
      '# only a comment',
      '---',
      'kind: Warehouse',
      'spec:',
      '  interval: 5m0s',
      '...',
    ].join('\n');
    expect(parseManifests(body)).toEqual([
      { kind: 'Project', metadata: { name: 'a' } },
      { kind: 'Warehouse', spec: { interval: '5m0s' } },
    ]);
  });

  it('returns nothing for an empty body', () => {
    expect(parseManifests('')).toEqual([]);
    expect(parseManifests('\n---\n')).toEqual([]);
  });

  it('keeps timestamps and versions as strings (YAML 1.2 core schema)', () => {
    expect(
      parseManifests('discoveredAt: 2024-01-02T15:04:05Z\nversion: 1.10\n'),
    ).toEqual([{ discoveredAt: '2024-01-02T15:04:05Z', version: 1.1 }]);
  });

  it('unwraps Kubernetes Lists and arrays', () => {
    const list = 'kind: List\nitems:\n- kind: Stage\n- kind: Freight\n';
    expect(parseManifests(list)).toEqual([
      { kind: 'Stage' },
      { kind: 'Freight' },
    ]);
    const stageList = { kind: 'StageList', items: [{ kind: 'Stage' }] };
    expect(
      parseManifests(JSON.stringify(stageList), 'application/json'),
    ).toEqual([{ kind: 'Stage' }]);
    expect(
      parseManifests('[{"kind":"A"},{"kind":"B"}]', 'application/json'),
    ).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it('reads JSON when the content type or file name says so', () => {
    expect(
      parseManifests('{"kind":"Project"}', 'application/json; charset=utf-8'),
    ).toEqual([{ kind: 'Project' }]);
    expect(
      parseManifests('{"kind":"Project"}', '/manifests/project.json'),
    ).toEqual([{ kind: 'Project' }]);
  });

  it('names the document and line of a YAML syntax error', () => {
    const body = 'kind: Project\n---\nkind: Stage\nspec: a: b\n';
    const error = parseError(() => parseManifests(body));
    expect(error.name).toBe('ManifestParseError');
    expect(error.document).toBe(2);
    expect(error.line).toBe(4);
    expect(error.message).toBe(
      'Invalid YAML in document 2 at line 4: Nested mappings are not allowed in compact mappings',
    );
  });

  it('rejects duplicate keys', () => {
    const error = parseError(() => parseManifests('kind: A\nkind: B\n'));
    expect(error.document).toBe(1);
    expect(error.line).toBe(2);
    expect(error.message).toBe(
      'Invalid YAML in document 1 at line 2: Map keys must be unique',
    );
  });

  it('names the line of a JSON syntax error', () => {
    const error = parseError(() =>
      parseManifests('{\n  "kind": "Stage",\n  oops\n}', 'application/json'),
    );
    expect(error.document).toBe(1);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^Invalid JSON at line 3: /);
  });
});
