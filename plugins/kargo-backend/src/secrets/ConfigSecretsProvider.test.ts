import { ConfigReader } from '@backstage/config';
import { ConfigSecretsProvider } from './ConfigSecretsProvider';

function fromConfig(secrets: unknown) {
  return ConfigSecretsProvider.fromConfig(
    new ConfigReader({ kargo: { secrets } } as any),
  );
}

describe('ConfigSecretsProvider', () => {
  it('serves project and shared secrets separately', async () => {
    const provider = fromConfig([
      { name: 'gh', project: 'kargo-demo', data: { secret: 'p' } },
      { name: 'gh', data: { secret: 'shared' } },
    ]);
    expect(await provider.get('kargo-demo', 'gh')).toEqual({ secret: 'p' });
    expect(await provider.get(undefined, 'gh')).toEqual({ secret: 'shared' });
    expect(await provider.get('', 'gh')).toEqual({ secret: 'shared' });
    expect(await provider.get('other', 'gh')).toBeUndefined();
    expect(await provider.get('kargo-demo', 'nope')).toBeUndefined();
  });

  it('returns copies', async () => {
    const provider = fromConfig([{ name: 'a', data: { k: 'v' } }]);
    (await provider.get(undefined, 'a'))!.k = 'changed';
    expect(await provider.get(undefined, 'a')).toEqual({ k: 'v' });
  });

  it('accepts no secrets at all', async () => {
    const provider = ConfigSecretsProvider.fromConfig(new ConfigReader({}));
    expect(await provider.get(undefined, 'a')).toBeUndefined();
  });

  it.each([
    [{ name: 'a', data: {} }, 'kargo.secrets must be a list of secrets'],
    [['x'], 'kargo.secrets[0] must be an object with name and data'],
    [[{ data: {} }], 'kargo.secrets[0].name is required and must be a string'],
    [
      [{ name: 'Bad_Name', data: {} }],
      'kargo.secrets[0].name "Bad_Name" is not a valid Secret name',
    ],
    [
      [{ name: 'a', project: 'Nope!', data: {} }],
      'kargo.secrets[0].project "Nope!" is not a valid project name',
    ],
    [[{ name: 'a' }], 'kargo.secrets[0].data is required'],
    [
      [{ name: 'a', data: {}, extra: 1 }],
      'kargo.secrets[0].extra is not a known field',
    ],
    [
      [
        { name: 'a', project: 'p', data: {} },
        { name: 'a', project: 'p', data: {} },
      ],
      'kargo.secrets[1] duplicates kargo.secrets[0]: secret "a" of project "p" is defined twice',
    ],
  ])('refuses %j', (secrets, message) => {
    expect(() => fromConfig(secrets)).toThrow(message);
  });

  it('never echoes a value in errors', () => {
    let message = '';
    try {
      fromConfig([{ name: 'a', data: { secret: 12345678 } }]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      'kargo.secrets[0].data.secret must be a string (quote it in YAML), not a number',
    );
    expect(message).not.toContain('12345678');
  });
});
