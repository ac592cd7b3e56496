/*
 * Human-friendly Freight aliases, "adjective-animal" (e.g. "nimble-otter"),
 * like the ones Kargo's Freight defaulting webhook assigns. The word lists are
 * our own. An alias is unique per project, mutable, and mirrored by Kargo into
 * the label kargo.akuity.io/alias, so it must be a valid label value.
 */

/** Adjectives for generated aliases: single lower-case ASCII words, no duplicates. */
export const FREIGHT_ALIAS_ADJECTIVES: readonly string[] = [
  'agile',
  'amber',
  'ample',
  'azure',
  'balmy',
  'bold',
  'bouncy',
  'brainy',
  'brave',
  'breezy',
  'bright',
  'brisk',
  'bubbly',
  'calm',
  'candid',
  'careful',
  'charming',
  'cheerful',
  'chipper',
  'civil',
  'classic',
  'clever',
  'cosmic',
  'cozy',
  'crisp',
  'curious',
  'dainty',
  'dapper',
  'daring',
  'dashing',
  'dazzling',
  'decent',
  'deft',
  'devoted',
  'diligent',
  'dreamy',
  'eager',
  'earnest',
  'easy',
  'elegant',
  'epic',
  'exact',
  'fair',
  'faithful',
  'fancy',
  'fearless',
  'festive',
  'fluffy',
  'fond',
  'frank',
  'fresh',
  'friendly',
  'frosty',
  'gallant',
  'gentle',
  'genuine',
  'giddy',
  'gifted',
  'glad',
  'gleaming',
  'glossy',
  'golden',
  'graceful',
  'grand',
  'grateful',
  'handy',
  'happy',
  'hardy',
  'hearty',
  'helpful',
  'honest',
  'hopeful',
  'humble',
  'jazzy',
  'jolly',
  'jovial',
  'joyful',
  'keen',
  'kind',
  'kindly',
  'lively',
  'lovely',
  'loyal',
  'lucid',
  'lucky',
  'lush',
  'mellow',
  'merry',
  'mighty',
  'mindful',
  'modest',
  'neat',
  'nifty',
  'nimble',
  'noble',
  'novel',
  'patient',
  'peaceful',
  'peppy',
  'perky',
  'playful',
  'plucky',
  'polite',
  'proud',
  'quick',
  'quiet',
  'radiant',
  'rapid',
  'ready',
  'regal',
  'relaxed',
  'robust',
  'rosy',
  'rustic',
  'savvy',
  'serene',
  'sharp',
  'shiny',
  'silky',
  'silver',
  'sincere',
  'sleek',
  'smart',
  'smiling',
  'snappy',
  'snug',
  'solid',
  'sparkling',
  'spirited',
  'spry',
  'steady',
  'stellar',
  'sturdy',
  'sunlit',
  'sunny',
  'super',
  'swift',
  'tender',
  'tidy',
  'tranquil',
  'trusty',
  'upbeat',
  'valiant',
  'vivid',
  'warm',
  'wise',
  'witty',
  'zany',
  'zesty',
  'zippy',
];

/** Animals for generated aliases: single lower-case ASCII words, no duplicates. */
export const FREIGHT_ALIAS_ANIMALS: readonly string[] = [
  'aardvark',
  'albatross',
  'alpaca',
  'anteater',
  'antelope',
  'armadillo',
  'badger',
  'beaver',
  'bison',
  'bluebird',
  'bobcat',
  'buffalo',
  'bumblebee',
  'butterfly',
  'camel',
  'canary',
  'capybara',
  'caribou',
  'cheetah',
  'chickadee',
  'chinchilla',
  'chipmunk',
  'condor',
  'cougar',
  'coyote',
  'crane',
  'deer',
  'dolphin',
  'donkey',
  'dormouse',
  'dove',
  'dragonfly',
  'duck',
  'eagle',
  'egret',
  'elephant',
  'elk',
  'emu',
  'falcon',
  'ferret',
  'finch',
  'firefly',
  'flamingo',
  'fox',
  'frog',
  'gazelle',
  'gecko',
  'gerbil',
  'gibbon',
  'giraffe',
  'goat',
  'goldfinch',
  'goose',
  'gopher',
  'gorilla',
  'grasshopper',
  'hamster',
  'hare',
  'hawk',
  'hedgehog',
  'heron',
  'hippo',
  'hummingbird',
  'ibex',
  'ibis',
  'iguana',
  'impala',
  'jaguar',
  'jay',
  'kangaroo',
  'kestrel',
  'kingfisher',
  'kitten',
  'kiwi',
  'koala',
  'ladybug',
  'lark',
  'lemur',
  'leopard',
  'lion',
  'llama',
  'lynx',
  'macaw',
  'magpie',
  'manatee',
  'marmot',
  'meerkat',
  'mongoose',
  'moose',
  'narwhal',
  'newt',
  'nightingale',
  'ocelot',
  'octopus',
  'okapi',
  'opossum',
  'orca',
  'oriole',
  'osprey',
  'ostrich',
  'otter',
  'owl',
  'panda',
  'panther',
  'parrot',
  'partridge',
  'peacock',
  'pelican',
  'penguin',
  'pheasant',
  'platypus',
  'pony',
  'porcupine',
  'porpoise',
  'puffin',
  'puma',
  'quail',
  'quokka',
  'rabbit',
  'raccoon',
  'raven',
  'reindeer',
  'robin',
  'salamander',
  'salmon',
  'seahorse',
  'seal',
  'skylark',
  'sloth',
  'sparrow',
  'squirrel',
  'starling',
  'stork',
  'swallow',
  'swan',
  'tapir',
  'tiger',
  'toucan',
  'trout',
  'turtle',
  'walrus',
  'warbler',
  'weasel',
  'whale',
  'wolf',
  'wombat',
  'woodpecker',
  'wren',
  'yak',
  'zebra',
];

/** Longest alias Kargo can store: a Kubernetes label value has at most 63 characters. */
export const MAX_FREIGHT_ALIAS_LENGTH = 63;

/** Kubernetes label value syntax (apimachinery IsValidLabelValue), minus the empty value. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SUFFIX_LENGTH = 4;
const DEFAULT_MAX_ATTEMPTS = 20;

function pick<T>(items: readonly T[], random: () => number): T {
  const index = Math.floor(random() * items.length);
  // Guard against random() returning 1 (or anything out of [0, 1)).
  return items[Math.min(Math.max(index, 0), items.length - 1)];
}

function randomSuffix(random: () => number): string {
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) {
    suffix += pick([...SUFFIX_ALPHABET], random);
  }
  return suffix;
}

/**
 * A random "adjective-animal" alias, e.g. "nimble-otter". Not checked for
 * uniqueness; see {@link generateUniqueFreightAlias}.
 *
 * @param random - source of numbers in [0, 1); Math.random by default.
 */
export function generateFreightAlias(
  random: () => number = Math.random,
): string {
  return `${pick(FREIGHT_ALIAS_ADJECTIVES, random)}-${pick(
    FREIGHT_ALIAS_ANIMALS,
    random,
  )}`;
}

/**
 * An alias that `isTaken` reports as free. Tries up to `maxAttempts` (default
 * 20) plain "adjective-animal" aliases, then falls back to aliases with a
 * random four-character suffix ("nimble-otter-x7k2"), again up to
 * `maxAttempts` times. If even those are all taken (in practice only when
 * `isTaken` always answers true), one more suffixed alias is returned
 * unchecked, so this always terminates; Kargo rejects a duplicate alias on
 * admission in any case. Errors from `isTaken` are passed on.
 *
 * Kargo's own webhook retries without limit; uniqueness is per project
 * (Kargo's admission check lists Freight in the namespace).
 */
export async function generateUniqueFreightAlias(
  isTaken: (alias: string) => Promise<boolean>,
  options?: { random?: () => number; maxAttempts?: number },
): Promise<string> {
  const random = options?.random ?? Math.random;
  const requested = options?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const maxAttempts = Number.isFinite(requested)
    ? Math.max(0, Math.floor(requested))
    : DEFAULT_MAX_ATTEMPTS;

  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const alias = generateFreightAlias(random);
    if (!(await isTaken(alias))) {
      return alias;
    }
  }

  const suffixed = () =>
    `${generateFreightAlias(random)}-${randomSuffix(random)}`;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const alias = suffixed();
    if (!(await isTaken(alias))) {
      return alias;
    }
  }
  return suffixed();
}

/**
 * Whether Kargo can store this alias. Kargo itself puts no rule on the alias
 * field, but it copies it into the label kargo.akuity.io/alias, so the API
 * server accepts only a valid label value: at most 63 characters, only
 * letters, digits, '-', '_' and '.', starting and ending with a letter or
 * digit. An empty alias is not an alias (Kargo generates one instead).
 */
export function isValidFreightAlias(alias: string): boolean {
  return (
    typeof alias === 'string' &&
    alias.length > 0 &&
    alias.length <= MAX_FREIGHT_ALIAS_LENGTH &&
    LABEL_VALUE.test(alias)
  );
}
