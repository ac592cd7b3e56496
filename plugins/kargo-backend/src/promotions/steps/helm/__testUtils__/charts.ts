import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes `files` (paths relative to `root`), creating directories. */
export async function putFiles(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/**
 * A small but real chart: a ConfigMap showing values, release, namespace
 * and capabilities; a hook Job; a test Pod; a CRD.
 */
export function demoChart(name = 'demo'): Record<string, string> {
  return {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
    'values.yaml': 'color: red\nsize: small\nreplicas: 1\n',
    'crds/widget.yaml': [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com',
      '',
    ].join('\n'),
    'templates/configmap.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-settings',
      '  namespace: {{ .Release.Namespace }}',
      'data:',
      '  color: {{ .Values.color | quote }}',
      '  size: {{ .Values.size | quote }}',
      '  replicas: {{ .Values.replicas | kindIs "string" | ternary "string" "number" | quote }}',
      '  kube: {{ .Capabilities.KubeVersion.Version | quote }}',
      '  hasWidgets: {{ .Capabilities.APIVersions.Has "widgets.example.com/v1" | quote }}',
      '',
    ].join('\n'),
    'templates/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  replicas: 1',
      '',
    ].join('\n'),
    'templates/hook.yaml': [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '',
    ].join('\n'),
    'templates/tests/test.yaml': [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: {{ .Release.Name }}-test',
      '  annotations:',
      '    helm.sh/hook: test',
      '',
    ].join('\n'),
  };
}

/** `files` placed under `dir` (for putFiles). */
export function under(dir: string, files: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(files).map(([p, c]) => [`${dir}/${p}`, c]),
  );
}
