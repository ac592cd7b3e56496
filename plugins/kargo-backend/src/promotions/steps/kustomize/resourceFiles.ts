import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { assertPlainFileName, writeOutputFile } from '../helm/fileSafety';

/**
 * Kinds of the built-in Kubernetes API that are cluster-scoped, as
 * `group/Kind` (core group empty). Kustomize knows them from its bundled
 * OpenAPI document; everything else counts as namespaced, as there.
 */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'policy/PodSecurityPolicy',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/ResourceSlice',
  'authentication.k8s.io/TokenReview',
  'authentication.k8s.io/SelfSubjectReview',
  'authorization.k8s.io/SubjectAccessReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
]);

export type RenderedResource = {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
  clusterScoped: boolean;
  /** The resource as its own file: keys sorted, like Kargo's writer. */
  text: string;
};

/** Splits `kustomize build` output into resources. */
export function parseResources(manifests: string): RenderedResource[] {
  const resources: RenderedResource[] = [];
  for (const doc of parseAllDocuments(manifests, { intAsBigInt: true })) {
    if (doc.errors.length > 0) throw doc.errors[0];
    const value = doc.toJS() as Record<string, any> | null;
    if (!value || typeof value !== 'object') continue;
    const apiVersion = String(value.apiVersion ?? '');
    const slash = apiVersion.lastIndexOf('/');
    const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
    const kind = String(value.kind ?? '');
    resources.push({
      group,
      version: slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion,
      kind,
      name: String(value.metadata?.name ?? ''),
      namespace: String(value.metadata?.namespace ?? ''),
      clusterScoped: CLUSTER_SCOPED.has(`${group}/${kind}`),
      text: stringify(value, {
        sortMapEntries: true,
        indentSeq: false,
        lineWidth: 0,
      }),
    });
  }
  return resources;
}

/** Kargo's names: `[namespace-]kind-name.yaml`, lower case. */
export function kargoFileName(r: RenderedResource): string {
  const parts = r.namespace ? [r.namespace, r.kind, r.name] : [r.kind, r.name];
  return `${parts.join('-')}.yaml`.toLowerCase();
}

/**
 * `kustomize build -o dir/`'s names: `group_version_kind_name.yaml`
 * (empty parts left out), prefixed `namespace_` when the namespaced
 * resources span several namespaces.
 */
export function kustomizeFileName(
  r: RenderedResource,
  multipleNamespaces: boolean,
): string {
  const gvk = [r.group, r.version, r.kind].filter(Boolean).join('_');
  const base = `${gvk}_${r.name}.yaml`.toLowerCase();
  return multipleNamespaces && !r.clusterScoped && r.namespace
    ? `${r.namespace.toLowerCase()}_${base}`
    : base;
}

/**
 * Writes one file per resource into `dir`: namespaced resources first,
 * then cluster-scoped ones, as Kargo does (a later one wins a name clash).
 */
export async function writeResourceFiles(
  dir: string,
  resources: RenderedResource[],
  format: 'kargo' | 'kustomize',
): Promise<string[]> {
  const namespaces = new Set(
    resources.filter(r => !r.clusterScoped).map(r => r.namespace || 'default'),
  );
  const ordered = [
    ...resources.filter(r => !r.clusterScoped),
    ...resources.filter(r => r.clusterScoped),
  ];
  const written: string[] = [];
  for (const r of ordered) {
    const name =
      format === 'kargo'
        ? kargoFileName(r)
        : kustomizeFileName(r, namespaces.size > 1);
    assertPlainFileName(name);
    await writeOutputFile(join(dir, name), r.text);
    written.push(name);
  }
  return written;
}
