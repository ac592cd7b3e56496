import {
  FREIGHT_ALIAS_ADJECTIVES,
  FREIGHT_ALIAS_ANIMALS,
  MAX_FREIGHT_ALIAS_LENGTH,
  generateFreightAlias,
  generateUniqueFreightAlias,
  isValidFreightAlias,
} from './freightAlias';

/** A deterministic random source (a linear congruential generator). */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const GENERATED = /^[a-z]+-[a-z]+$/;
const SUFFIXED = /^[a-z]+-[a-z]+-[a-z0-9]{4}$/;

describe('word lists', () => {
  it.each([
    ['adjectives', FREIGHT_ALIAS_ADJECTIVES],
    ['animals', FREIGHT_ALIAS_ANIMALS],
  ])(
    '%s: about 150 single lower-case ASCII words, no duplicates',
    (_name, words) => {
      expect(words.length).toBeGreaterThanOrEqual(140);
      expect(words.length).toBeLessThanOrEqual(160);
      expect(new Set(words).size).toBe(words.length);
      for (const word of words) {
        expect(word).toMatch(/^[a-z]+$/);
      }
    },
  );

  it('every combination, even with a suffix, is a valid alias', () => {
    const longest = (words: readonly string[]) =>
      Math.max(...words.map(w => w.length));
    const longestAlias =
      longest(FREIGHT_ALIAS_ADJECTIVES) +
      1 +
      longest(FREIGHT_ALIAS_ANIMALS) +
      5;
    expect(longestAlias).toBeLessThanOrEqual(MAX_FREIGHT_ALIAS_LENGTH);
    for (const adjective of FREIGHT_ALIAS_ADJECTIVES) {
      for (const animal of FREIGHT_ALIAS_ANIMALS) {
        expect(isValidFreightAlias(`${adjective}-${animal}-x7k2`)).toBe(true);
      }
    }
  });
});

describe('generateFreightAlias', () => {
  it('returns adjective-animal', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 200; i++) {
      const alias = generateFreightAlias(random);
      expect(alias).toMatch(GENERATED);
      const [adjective, animal] = alias.split('-');
      expect(FREIGHT_ALIAS_ADJECTIVES).toContain(adjective);
      expect(FREIGHT_ALIAS_ANIMALS).toContain(animal);
      expect(isValidFreightAlias(alias)).toBe(true);
    }
  });

  it('uses Math.random by default', () => {
    expect(generateFreightAlias()).toMatch(GENERATED);
  });

  it('is deterministic for a given random source', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    for (let i = 0; i < 20; i++) {
      expect(generateFreightAlias(first)).toBe(generateFreightAlias(second));
    }
    expect(generateFreightAlias(() => 0)).toBe(
      `${FREIGHT_ALIAS_ADJECTIVES[0]}-${FREIGHT_ALIAS_ANIMALS[0]}`,
    );
  });

  it('stays within the lists even if random() returns 1', () => {
    const last = `${
      FREIGHT_ALIAS_ADJECTIVES[FREIGHT_ALIAS_ADJECTIVES.length - 1]
    }-${FREIGHT_ALIAS_ANIMALS[FREIGHT_ALIAS_ANIMALS.length - 1]}`;
    expect(generateFreightAlias(() => 0.999999999)).toBe(last);
    expect(generateFreightAlias(() => 1)).toBe(last);
  });

  it('spreads over many different aliases', () => {
    const random = seededRandom(1);
    const seen = new Set(
      Array.from({ length: 1000 }, () => generateFreightAlias(random)),
    );
    expect(seen.size).toBeGreaterThan(900);
  });
});

describe('generateUniqueFreightAlias', () => {
  it('returns the first free alias', async () => {
    const isTaken = jest.fn(async () => false);
    const alias = await generateUniqueFreightAlias(isTaken, {
      random: seededRandom(3),
    });
    expect(alias).toMatch(GENERATED);
    expect(isTaken).toHaveBeenCalledTimes(1);
    expect(isTaken).toHaveBeenCalledWith(alias);
  });

  it('retries while aliases are taken', async () => {
    const taken = new Set<string>();
    const random = seededRandom(5);
    // Take the first three aliases this random source will produce.
    const probe = seededRandom(5);
    for (let i = 0; i < 3; i++) {
      taken.add(generateFreightAlias(probe));
    }
    const isTaken = jest.fn(async (alias: string) => taken.has(alias));
    const alias = await generateUniqueFreightAlias(isTaken, { random });
    expect(alias).toMatch(GENERATED);
    expect(taken.has(alias)).toBe(false);
    expect(isTaken).toHaveBeenCalledTimes(4);
  });

  it('falls back to a suffixed alias after maxAttempts (default 20)', async () => {
    const isTaken = jest.fn(async (alias: string) => GENERATED.test(alias));
    const alias = await generateUniqueFreightAlias(isTaken, {
      random: seededRandom(9),
    });
    expect(alias).toMatch(SUFFIXED);
    expect(isValidFreightAlias(alias)).toBe(true);
    expect(isTaken).toHaveBeenCalledTimes(21);
    expect(isTaken).toHaveBeenLastCalledWith(alias);
  });

  it('honours a custom maxAttempts', async () => {
    const isTaken = jest.fn(async (alias: string) => GENERATED.test(alias));
    const alias = await generateUniqueFreightAlias(isTaken, {
      random: seededRandom(11),
      maxAttempts: 3,
    });
    expect(alias).toMatch(SUFFIXED);
    expect(isTaken).toHaveBeenCalledTimes(4);
  });

  it('always terminates, even if every alias is taken', async () => {
    const isTaken = jest.fn(async () => true);
    const alias = await generateUniqueFreightAlias(isTaken, {
      random: seededRandom(13),
    });
    expect(alias).toMatch(SUFFIXED);
    // 20 plain attempts, 20 suffixed attempts, then one unchecked alias.
    expect(isTaken).toHaveBeenCalledTimes(40);
  });

  it('with maxAttempts 0 returns a suffixed alias without asking', async () => {
    const isTaken = jest.fn(async () => false);
    const alias = await generateUniqueFreightAlias(isTaken, {
      maxAttempts: 0,
    });
    expect(alias).toMatch(SUFFIXED);
    expect(isTaken).not.toHaveBeenCalled();
  });

  it('passes on errors from isTaken', async () => {
    await expect(
      generateUniqueFreightAlias(async () => {
        throw new Error('cannot list Freight');
      }),
    ).rejects.toThrow('cannot list Freight');
  });
});

describe('isValidFreightAlias', () => {
  it.each([
    'nimble-otter',
    'nimble-otter-x7k2',
    'a',
    '7',
    'Release_1.2-final',
    'x'.repeat(63),
  ])('accepts %j', alias => {
    expect(isValidFreightAlias(alias)).toBe(true);
  });

  it.each([
    '',
    'x'.repeat(64),
    '-otter',
    'otter-',
    '.otter',
    'otter_',
    'nimble otter',
    'nimble/otter',
    'nimble:otter',
    'n\u00EFmble-otter',
  ])('rejects %j', alias => {
    expect(isValidFreightAlias(alias)).toBe(false);
  });
});
