import { evaluateExpressionAsync } from '../evaluateExpression';
import { promotionScope } from '../__fixtures__/promotionScope';

describe('data functions', () => {
  it('hand out decoded secrets, reporting every value for masking, and look each up once', async () => {
    const scope = promotionScope({
      secrets: { creds: { username: 'bot', password: 's3cr3t', empty: '' } },
    });
    const value = await evaluateExpressionAsync(
      "secret('creds').username + ':' + secret('creds').password + (secret('missing').x ?? '')",
      scope,
    );
    expect(value).toBe('bot:s3cr3t');
    expect(scope.revealed.sort()).toEqual(['bot', 's3cr3t']);
    expect(scope.lookups).toEqual(['secret creds', 'secret missing']);
  });

  it('answer an empty map for missing Secrets and ConfigMaps, nil for missing Freight and Stages', async () => {
    const scope = promotionScope({});
    await expect(
      evaluateExpressionAsync(
        "[secret('x'), sharedSecret('x'), configMap('x'), sharedConfigMap('x'), freightMetadata('f'), freightStatus('f'), stageMetadata('s')]",
        scope,
      ),
    ).resolves.toEqual([{}, {}, {}, {}, null, null, null]);
  });

  it('read one metadata key with the two-argument form', async () => {
    const scope = promotionScope({
      freightStatus: { f1: { metadata: { tier: 'gold' } } },
      stageMetadata: { dev: { region: 'eu' } },
    });
    await expect(
      evaluateExpressionAsync(
        "[freightMetadata('f1', 'tier'), freightMetadata('f1', 'none'), stageMetadata('dev', 'region')]",
        scope,
      ),
    ).resolves.toEqual(['gold', null, 'eu']);
  });

  it('give each expression its own copy of cached data', async () => {
    const scope = promotionScope({ configMaps: { c: { a: '1' } } });
    const first = (await evaluateExpressionAsync(
      "configMap('c')",
      scope,
    )) as Record<string, string>;
    first.a = 'changed';
    await expect(
      evaluateExpressionAsync("configMap('c').a", scope),
    ).resolves.toBe('1');
  });

  it('check their arguments', async () => {
    const scope = promotionScope({});
    await expect(evaluateExpressionAsync('secret()', scope)).rejects.toThrow(
      'secret() takes 1 argument, not 0',
    );
    await expect(evaluateExpressionAsync("secret('')", scope)).rejects.toThrow(
      'the name must not be empty',
    );
    await expect(
      evaluateExpressionAsync('configMap(1)', scope),
    ).rejects.toThrow('configMap() needs a string, not int');
  });
});
