import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

type Entry = { runner: PromotionStepRunner; validate?: ValidateFunction };

/** `config.images[0].tag: must be string` from one Ajv error. */
function describeError(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map(p =>
      /^\d+$/.test(p)
        ? `[${p}]`
        : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`,
    )
    .join('');
  let { message = 'is invalid' } = error;
  if (error.keyword === 'additionalProperties') {
    message = `unknown field "${
      (error.params as { additionalProperty: string }).additionalProperty
    }"`;
  } else if (error.keyword === 'required') {
    return `config${path}.${
      (error.params as { missingProperty: string }).missingProperty
    }: required`;
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(
      error.params as { allowedValues: unknown[] }
    ).allowedValues
      .map(v => JSON.stringify(v))
      .join(', ')}`;
  }
  return `config${path}: ${message}`;
}

/**
 * The step runners the engine knows, built-in and from modules, each with
 * its config schema compiled once. Names are unique: a module cannot
 * silently replace a built-in step.
 */
export class StepRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly ajv = new Ajv({ allErrors: true, strict: false });

  constructor(runners: PromotionStepRunner[]) {
    for (const runner of runners) {
      if (this.entries.has(runner.name)) {
        throw new Error(`Promotion step "${runner.name}" is registered twice`);
      }
      let validate: ValidateFunction | undefined;
      if (runner.configSchema) {
        try {
          validate = this.ajv.compile(runner.configSchema);
        } catch (error) {
          throw new Error(
            `Promotion step "${runner.name}" has an invalid config schema: ${
              (error as Error).message
            }`,
          );
        }
      }
      this.entries.set(runner.name, { runner, validate });
    }
  }

  get(name: string): PromotionStepRunner | undefined {
    return this.entries.get(name)?.runner;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Problems with a step's evaluated config, empty when it is valid. */
  validate(name: string, config: unknown): string[] {
    const entry = this.entries.get(name);
    if (!entry?.validate || entry.validate(config)) return [];
    return (entry.validate.errors ?? []).map(describeError);
  }
}
