import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { copyStep } from './copy';
import { deleteStep } from './deletePaths';
import { fileWriteStep } from './fileWrite';
import { jsonUpdateStep } from './jsonUpdate';
import { jsonParseStep, tomlParseStep, yamlParseStep } from './parseSteps';
import { tarStep } from './tarCreate';
import { tomlUpdateStep } from './tomlUpdate';
import { untarStep } from './untar';
import { yamlMergeStep } from './yamlMerge';
import { yamlUpdateStep } from './yamlUpdate';

/**
 * Kargo's file promotion steps: yaml-update, yaml-parse, yaml-merge,
 * json-update, json-parse, toml-update, toml-parse, file-write, copy,
 * delete, tar and untar. They need no services: every path they touch
 * goes through the step context's path guard.
 */
export function createFileSteps(): PromotionStepRunner[] {
  return [
    yamlUpdateStep,
    yamlParseStep,
    yamlMergeStep,
    jsonUpdateStep,
    jsonParseStep,
    tomlUpdateStep,
    tomlParseStep,
    fileWriteStep,
    copyStep,
    deleteStep,
    tarStep,
    untarStep,
  ];
}
