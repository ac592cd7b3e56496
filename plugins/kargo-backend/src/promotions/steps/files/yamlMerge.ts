import {
  TerminalStepError,
  type PromotionStepContext,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseAllDocuments, type Document, type Node } from 'yaml';
import { yamlMergeSchema } from './configSchemas';
import { isNotFound } from './fileIo';
import { inlineAliases, mergeNodes } from './yamlMergeNodes';

async function readInput(
  ctx: PromotionStepContext,
  path: string,
  index: number,
): Promise<string | undefined> {
  const absolutePath = await ctx.resolvePath(path);
  try {
    return await readFile(absolutePath, 'utf8');
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (ctx.config.ignoreMissingFiles === true) {
      ctx.log(`skipping missing input file ${path}`);
      return undefined;
    }
    throw new TerminalStepError(`inFiles[${index}]: file "${path}" not found`);
  }
}

/** The file's first document, or undefined when it holds none. */
function firstDocument(text: string, path: string): Document | undefined {
  const [doc] = parseAllDocuments(text);
  if (!doc || !('errors' in doc)) return undefined;
  if (doc.errors.length > 0) {
    throw new TerminalStepError(
      `"${path}" is not valid YAML: ${doc.errors[0].message}`,
    );
  }
  return doc.contents === null ? undefined : doc;
}

function commitMessage(inputs: string[], outFile: string): string | undefined {
  if (inputs.length === 0) return undefined;
  if (inputs.length === 1) return `Wrote ${inputs[0]} to ${outFile}`;
  return `Merged ${inputs.length} YAML files to ${outFile}${inputs
    .map(p => `\n- ${p}`)
    .join('')}`;
}

/**
 * `yaml-merge`: merges `inFiles` in order (later files win) into `outFile`,
 * Kargo's (kyaml's) way: see yamlMergeNodes. The first file's comments,
 * anchors and quoting are kept; merged-in values bring their own comments.
 * Missing inputs fail the step unless `ignoreMissingFiles`; if no input
 * has content, `outFile` is written empty.
 */
export const yamlMergeStep: PromotionStepRunner = {
  name: 'yaml-merge',
  configSchema: yamlMergeSchema,
  async run(ctx) {
    const inFiles = ctx.config.inFiles as string[];
    const outFile = ctx.config.outFile as string;
    const merged: string[] = [];
    let result: Document | undefined;
    for (const [index, path] of inFiles.entries()) {
      const text = await readInput(ctx, path, index);
      if (text === undefined) continue;
      merged.push(path);
      const doc = firstDocument(text, path);
      if (!doc) continue;
      if (!result) {
        result = doc;
        continue;
      }
      inlineAliases(doc);
      result.contents = mergeNodes(
        result.contents as Node,
        doc.contents as Node,
      );
    }

    const outPath = await ctx.resolvePath(outFile);
    await mkdir(dirname(outPath), { recursive: true, mode: 0o700 });
    const rendered = result
      ? result.toString({
          indentSeq: false,
          lineWidth: 0,
          flowCollectionPadding: false,
        })
      : '';
    await writeFile(outPath, rendered, { mode: 0o600 });
    ctx.log(`merged ${merged.length} file(s) into ${outFile}`);
    const message = commitMessage(merged, outFile);
    return {
      status: 'Succeeded',
      ...(message ? { output: { commitMessage: message } } : {}),
    };
  },
};
