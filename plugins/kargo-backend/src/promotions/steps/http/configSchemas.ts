import type { JsonObject } from '@backstage/types';
import { GO_DURATION_PATTERN } from './goDuration';

/*
 * Config schemas mirroring Kargo's (pkg/promotion/runner/builtin/schemas/
 * http-config.json, http-download-config.json, compose-output-config.json,
 * fail-config.json). Differences: shared definitions are inlined (no $ref),
 * and duration patterns are anchored (see GO_DURATION_PATTERN).
 */

const nameValuePair = (what: string): JsonObject => ({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'value'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      description: `The name of the ${what}.`,
    },
    value: {
      type: 'string',
      minLength: 1,
      description: `The value of the ${what}.`,
    },
  },
});

const headers: JsonObject = {
  type: 'array',
  items: nameValuePair('header'),
  description: 'Headers to include in the HTTP request.',
};

const queryParams: JsonObject = {
  type: 'array',
  items: nameValuePair('query parameter'),
  description: 'Query parameters to include in the HTTP request.',
};

const duration = (description: string): JsonObject => ({
  type: 'string',
  pattern: GO_DURATION_PATTERN,
  description,
});

const unset: JsonObject = { enum: ['', null] };

export const httpConfigSchema: JsonObject = {
  title: 'HTTPConfig',
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  // body and bodyFromFile are mutually exclusive.
  oneOf: [
    {
      properties: {
        body: { type: 'string', minLength: 1 },
        bodyFromFile: unset,
      },
      required: ['body'],
    },
    {
      properties: {
        body: unset,
        bodyFromFile: { type: 'string', minLength: 1 },
      },
      required: ['bodyFromFile'],
    },
    { properties: { body: unset, bodyFromFile: unset } },
  ],
  properties: {
    method: {
      type: 'string',
      pattern: '^(DELETE|GET|HEAD|PATCH|POST|PUT)$',
      description: 'The HTTP method to use for the request.',
    },
    url: {
      type: 'string',
      minLength: 1,
      description: 'The URL to send the HTTP request to.',
    },
    headers,
    queryParams,
    body: { type: 'string', description: 'The body of the HTTP request.' },
    bodyFromFile: {
      type: 'string',
      minLength: 1,
      description:
        'A path relative to the promotion work directory whose contents are the request body.',
    },
    insecureSkipTLSVerify: {
      type: 'boolean',
      description: 'Whether to skip TLS verification when making the request.',
    },
    proxy: {
      type: 'string',
      pattern: '^https?://.*$',
      description:
        'A proxy server URL (not supported by this backend: see the step).',
    },
    timeout: duration(
      'The maximum time to wait for the request to complete (default 10s).',
    ),
    pollInterval: duration(
      'How long to wait before repeating the request while neither success nor failure criteria are met (default 30s).',
    ),
    responseContentType: {
      type: 'string',
      pattern: '^(application/json|application/yaml|text/plain)$',
      description: "Overrides the response's Content-Type for parsing.",
    },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'fromExpression'],
        properties: {
          name: { type: 'string', minLength: 1 },
          fromExpression: { type: 'string', minLength: 1 },
        },
      },
      description: 'Outputs to extract from the HTTP response.',
    },
    successExpression: { type: 'string' },
    failureExpression: { type: 'string' },
    errorExpression: { type: 'string' },
  },
};

export const httpDownloadConfigSchema: JsonObject = {
  title: 'HTTPDownloadConfig',
  type: 'object',
  additionalProperties: false,
  required: ['url', 'outPath'],
  properties: {
    url: {
      type: 'string',
      minLength: 1,
      description: 'The URL to download from.',
    },
    outPath: {
      type: 'string',
      minLength: 1,
      description: 'Where to save the file, relative to the work directory.',
    },
    allowOverwrite: {
      type: 'boolean',
      description: 'Whether an existing file at outPath may be replaced.',
    },
    headers,
    queryParams,
    insecureSkipTLSVerify: { type: 'boolean' },
    timeout: duration(
      'The maximum time the whole download may take (default 5m).',
    ),
  },
};

export const composeOutputConfigSchema: JsonObject = {
  title: 'ComposeOutput',
  type: 'object',
  minProperties: 1,
};

export const failConfigSchema: JsonObject = {
  title: 'FailConfig',
  type: 'object',
  additionalProperties: false,
  properties: {
    message: {
      type: 'string',
      minLength: 1,
      description: 'Optional failure message.',
    },
  },
};
