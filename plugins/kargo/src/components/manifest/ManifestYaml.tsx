import { CodeSnippet } from '@backstage/core-components';
import { useMemo } from 'react';
import { toYaml } from '../../model/yaml';

/** A manifest as YAML, read-only, with a copy button. */
export function ManifestYaml(props: { manifest: unknown }) {
  const text = useMemo(() => toYaml(props.manifest), [props.manifest]);
  return (
    <CodeSnippet text={text} language="yaml" showCopyCodeButton wrapLongLines />
  );
}
