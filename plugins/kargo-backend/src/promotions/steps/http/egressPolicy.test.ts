import { ConfigReader } from '@backstage/config';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { EgressDeniedError, EgressPolicy, HostResolver } from './egressPolicy';

const fixedResolver =
  (answers: Record<string, string[]>): HostResolver =>
  async hostname =>
    (answers[hostname] ?? []).map(address => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));

const checkUrl = (policy: EgressPolicy, url: string) => () =>
  policy.checkUrl(new URL(url));

describe('EgressPolicy', () => {
  const defaults = new EgressPolicy();

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.170.2/v2/credentials',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://100.100.100.200/latest/meta-data/',
    'http://168.63.129.16/machine?comp=goalstate',
    // The same addresses in other spellings.
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://2852039166/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    // Metadata names, in any case and with a trailing dot.
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.google.internal./computeMetadata/v1/',
    'http://metadata/computeMetadata/v1/',
    'http://metadata.azure.com/',
  ])('denies %s with no configuration at all', url => {
    expect(checkUrl(defaults, url)).toThrow(EgressDeniedError);
  });

  it('denies as a terminal step error, and refuses schemes other than http(s)', () => {
    expect(checkUrl(defaults, 'http://169.254.169.254/')).toThrow(
      TerminalStepError,
    );
    expect(checkUrl(defaults, 'file:///etc/passwd')).toThrow(/not supported/);
  });

  it('allows ordinary public and private destinations by default', () => {
    expect(checkUrl(defaults, 'https://api.github.com/')).not.toThrow();
    expect(checkUrl(defaults, 'http://10.1.2.3:8080/')).not.toThrow();
    expect(checkUrl(defaults, 'http://127.0.0.1:7007/')).not.toThrow();
  });

  it('reads allow and deny lists from kargo.promotions.egress', async () => {
    const policy = EgressPolicy.fromConfig(
      new ConfigReader({
        kargo: {
          promotions: {
            egress: {
              allow: ['api.example.com', '*.corp.example', '10.0.0.0/8'],
              deny: ['10.66.0.0/16', 'secret.corp.example'],
            },
          },
        },
      }),
      {
        resolver: fixedResolver({
          'api.example.com': ['203.0.113.10'],
          'build.corp.example': ['198.51.100.7'],
          'corp.example': ['198.51.100.8'],
          'other.example.com': ['203.0.113.11'],
          'internal.example.com': ['10.1.1.1'],
        }),
      },
    );
    await expect(policy.resolveAllowed('api.example.com')).resolves.toEqual([
      { address: '203.0.113.10', family: 4 },
    ]);
    await expect(
      policy.resolveAllowed('build.corp.example'),
    ).resolves.toHaveLength(1);
    // *.suffix covers subdomains only, not the domain itself.
    await expect(policy.resolveAllowed('corp.example')).rejects.toThrow(
      /not in kargo.promotions.egress.allow/,
    );
    await expect(policy.resolveAllowed('other.example.com')).rejects.toThrow(
      EgressDeniedError,
    );
    // Allowed by address (10.0.0.0/8) although the name is not listed.
    await expect(
      policy.resolveAllowed('internal.example.com'),
    ).resolves.toHaveLength(1);
    expect(checkUrl(policy, 'http://10.2.3.4/')).not.toThrow();
    // Deny wins over allow.
    expect(checkUrl(policy, 'http://10.66.1.1/')).toThrow(
      /10.66.1.1 is denied/,
    );
    expect(checkUrl(policy, 'https://secret.corp.example/')).toThrow(
      EgressDeniedError,
    );
    // Configured allow entries do not lift the default denials.
    const permissive = new EgressPolicy({ allow: ['169.254.0.0/16'] });
    expect(checkUrl(permissive, 'http://169.254.169.254/')).toThrow(
      EgressDeniedError,
    );
  });

  it('denies a hostname whose only addresses are denied, and leaves denied ones out of mixed answers', async () => {
    const policy = new EgressPolicy({
      resolver: fixedResolver({
        'evil.example': ['169.254.169.254'],
        'mixed.example': ['169.254.169.254', '203.0.113.5', 'fd00:ec2::254'],
        'nowhere.example': [],
      }),
    });
    await expect(policy.resolveAllowed('evil.example')).rejects.toThrow(
      /address 169.254.169.254 is denied/,
    );
    await expect(policy.resolveAllowed('mixed.example')).resolves.toEqual([
      { address: '203.0.113.5', family: 4 },
    ]);
    await expect(policy.resolveAllowed('nowhere.example')).rejects.toThrow(
      /no addresses/,
    );
  });

  it.each([
    ['10.0.0.0/33'],
    ['not a host!'],
    ['300.1.1.1/8'],
    ['*.'],
    ['::1/200'],
  ])('rejects the invalid entry %j at start-up', entry => {
    expect(() => new EgressPolicy({ deny: [entry] })).toThrow(
      /kargo.promotions.egress.deny: .* is not valid/,
    );
  });
});
