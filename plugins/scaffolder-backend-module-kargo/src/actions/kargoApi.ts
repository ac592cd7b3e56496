import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type {
  ActionContext,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import {
  KargoClient,
  KargoRequestOptions,
} from '@kargo-backstage/plugin-kargo-common';

/** What every Kargo action needs: the backend's services. */
export type KargoActionOptions = {
  auth: AuthService;
  discovery: DiscoveryService;
};

type InitiatorContext = Pick<
  ActionContext<{}>,
  'getInitiatorCredentials' | 'logger' | 'user'
>;

/**
 * Calls the Kargo backend as the user who runs the template: a token minted
 * on their behalf, so the Kargo permissions (per project and per Stage) are
 * decided for them and the audit log names them. A refusal (403), a missing
 * resource (404) or invalid input (400) fails the step with the server's
 * own message.
 */
export function kargoCaller(options: KargoActionOptions) {
  const client = new KargoClient({ discoveryApi: options.discovery });
  return async <T>(
    ctx: InitiatorContext,
    call: (client: KargoClient, request: KargoRequestOptions) => Promise<T>,
  ): Promise<T> => {
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await ctx.getInitiatorCredentials(),
      targetPluginId: 'kargo',
    });
    try {
      return await call(client, { token });
    } catch (error) {
      throw withServerMessage(error, 'Kargo');
    }
  };
}

/**
 * `ResponseError`'s own message is only "Request failed with 403 Forbidden";
 * the reason is in the body the server sent. Both go into the step's error.
 */
export function withServerMessage(error: unknown, service: string): unknown {
  const e = error as {
    name?: string;
    message?: string;
    body?: { error?: { message?: string } };
  };
  if (e?.name !== 'ResponseError') {
    return error;
  }
  const reason = e.body?.error?.message;
  return new Error(
    reason ? `${service}: ${e.message}: ${reason}` : `${service}: ${e.message}`,
  );
}

/** Kubernetes object names (DNS-1123 subdomains), as Kargo requires. */
export const K8S_NAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Fails unless `value` is a Kubernetes object name; for hand-written input. */
export function requireName(field: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length > 253 ||
    !K8S_NAME.test(value)
  ) {
    throw new Error(
      `input.${field} must be a Kubernetes name (lower-case letters, digits, '-' and '.'), got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

/** Who runs the template, for logs. */
export function initiatorOf(ctx: InitiatorContext): string {
  return ctx.user?.ref ?? 'the user running the template';
}

/** A template example of one or more steps, written as YAML. */
export function stepsExample(
  description: string,
  ...steps: Array<{
    id: string;
    action: string;
    input: Record<string, string>;
  }>
): TemplateExample {
  const lines = ['steps:'];
  for (const { id, action, input } of steps) {
    lines.push(`  - id: ${id}`, `    action: ${action}`, '    input:');
    for (const [key, value] of Object.entries(input)) {
      lines.push(`      ${key}: ${value}`);
    }
  }
  return { description, example: lines.join('\n') };
}

type StepContext = InitiatorContext &
  Pick<ActionContext<{}>, 'isDryRun'> & {
    output(name: string, value: string): void;
  };

/**
 * The body of a Kargo action: on a dry run, logs what it would do (`plan`,
 * e.g. "promote Freight f1 to Stage shop/prod") and outputs `dryRunOutput`
 * without calling anything; otherwise makes the call as the user, logs what
 * was done and outputs the result.
 */
export async function runKargoStep(
  ctx: StepContext,
  asInitiator: ReturnType<typeof kargoCaller>,
  step: {
    plan: string;
    dryRunOutput: Record<string, string>;
    call: (
      client: KargoClient,
      request: KargoRequestOptions,
    ) => Promise<{ done: string; output: Record<string, string> }>;
  },
) {
  let result: { done: string; output: Record<string, string> };
  if (ctx.isDryRun) {
    result = {
      done: `Dry run: would ${step.plan} as ${initiatorOf(ctx)}`,
      output: step.dryRunOutput,
    };
  } else {
    result = await asInitiator(ctx, step.call);
  }
  ctx.logger.info(result.done);
  for (const [name, value] of Object.entries(result.output)) {
    ctx.output(name, value);
  }
}

type NameSchema<S> = {
  regex(pattern: RegExp): S;
  describe(description: string): S;
};

/** An input field holding a Kubernetes name: `project: nameField('Kargo project')`. */
export function nameField(description: string) {
  return <S extends NameSchema<S>>(z: { string(): S }): S =>
    z.string().regex(K8S_NAME).describe(description);
}
