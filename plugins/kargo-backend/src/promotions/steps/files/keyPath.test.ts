import { describeKey, parseIndex, splitKey } from './keyPath';

const names = (key: string) => splitKey(key).map(p => p.name);

describe('splitKey (Kargo / sjson key syntax)', () => {
  it('splits on dots, honours \\. and \\: escapes, and trims the key', () => {
    expect(names('image.tag')).toEqual(['image', 'tag']);
    expect(names(' example\\.com/version ')).toEqual(['example.com/version']);
    expect(names('labels.example\\.com/version')).toEqual([
      'labels',
      'example.com/version',
    ]);
    expect(names('a\\:b.c')).toEqual(['a:b', 'c']);
    expect(names('containers.0.image')).toEqual(['containers', '0', 'image']);
  });

  it('marks a leading colon as "object key, not index"', () => {
    const [users, id] = splitKey('users.:2313');
    expect(users.forceKey).toBe(false);
    expect(id).toEqual({ name: '2313', forceKey: true });
    expect(parseIndex(id)).toBeUndefined();
  });

  it.each([
    ['', /must not be empty/],
    ['a..b', /empty key part/],
    ['a.', /empty key part/],
    ['.a', /empty key part/],
    ['a\\b', /invalid escape/],
    ['a:b', /unexpected colon/],
    ['a\\', /lone backslash/],
  ])('refuses %j', (key, error) => {
    expect(() => splitKey(key)).toThrow(error);
  });

  it('reads list indexes, legacy [n] and -1 (append)', () => {
    const index = (name: string) => parseIndex({ name, forceKey: false });
    expect(index('0')).toBe(0);
    expect(index('12')).toBe(12);
    expect(index('[3]')).toBe(3);
    expect(index('-1')).toBe(-1);
    expect(index('-2')).toBeUndefined();
    expect(index('tag')).toBeUndefined();
  });

  it('describes keys with their escapes back in place', () => {
    expect(describeKey(splitKey('a\\.b.:1.c'))).toBe('a\\.b.:1.c');
  });
});
