import { z } from 'zod';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkLabelValue,
  checkQualifiedName,
} from '../k8sNames';
import { dnsLabel, jsonObject, rfc3339, strictObject } from './common';

/*
 * Kubernetes ObjectMeta. Every field the API server accepts is allowed so
 * that `kubectl get -o yaml` output can be applied back; the fields users
 * write (name, namespace, labels, annotations) are validated as the API
 * server validates them.
 */

/** The API server caps the total size of annotations at 256 KiB. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const labels = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  for (const [key, value] of Object.entries(map)) {
    const keyProblem = checkQualifiedName(key);
    if (keyProblem) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `invalid key: ${keyProblem}`,
      });
    }
    const valueProblem = checkLabelValue(value);
    if (valueProblem) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `invalid value: ${valueProblem}`,
      });
    }
  }
});

const utf8 = new TextEncoder();

const annotations = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  let size = 0;
  for (const [key, value] of Object.entries(map)) {
    size += utf8.encode(key).length + utf8.encode(value).length;
    const keyProblem = checkQualifiedName(key);
    if (keyProblem) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `invalid key: ${keyProblem}`,
      });
    }
  }
  if (size > MAX_ANNOTATIONS_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `must be at most ${MAX_ANNOTATIONS_BYTES} bytes in total`,
    });
  }
});

const ownerReference = strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

const managedFieldsEntry = strictObject({
  manager: z.string().optional(),
  operation: z.string().optional(),
  apiVersion: z.string().optional(),
  time: rfc3339.optional(),
  fieldsType: z.string().optional(),
  fieldsV1: jsonObject.optional(),
  subresource: z.string().optional(),
});

export interface ObjectMetaOptions {
  /** How the object's name is checked (e.g. a DNS label for Projects). */
  checkName?: (name: string) => string | undefined;
  /**
   * Whether a name (or generateName) is required. Kargo's admission webhooks
   * assign names to Freight and Promotions, so those may omit it.
   */
  nameRequired?: boolean;
}

export function objectMeta(options: ObjectMetaOptions = {}) {
  const { checkName = checkDnsSubdomain, nameRequired = true } = options;
  return strictObject({
    name: z
      .string()
      .superRefine((name, ctx) => {
        // An empty name counts as absent (reported as required below).
        const problem = name === '' ? undefined : checkName(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    generateName: z.string().optional(),
    namespace: dnsLabel.optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.number().int().optional(),
    selfLink: z.string().optional(),
    creationTimestamp: rfc3339.optional(),
    deletionTimestamp: rfc3339.optional(),
    deletionGracePeriodSeconds: z.number().int().optional(),
    labels: labels.optional(),
    annotations: annotations.optional(),
    ownerReferences: z.array(ownerReference).optional(),
    finalizers: z.array(z.string()).optional(),
    managedFields: z.array(managedFieldsEntry).optional(),
  }).superRefine((meta, ctx) => {
    if (nameRequired && !meta.name && !meta.generateName) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'required' });
    }
  });
}

/** Projects become namespaces, so their names must be DNS labels. */
export const projectNameCheck = (name: string) => checkDnsLabel(name);
