export { GitDiscoverer } from './GitDiscoverer';
export type {
  GitDiscovererOptions,
  GitDiscoveryContext,
  GitDiscoverySubscription,
} from './GitDiscoverer';
export { createGitProcessRunner } from './gitProcess';
export type { GitInvocation, GitResult, GitRunner } from './gitProcess';
export { compileExpressionFilter, ExpressionError } from './expressionFilter';
export type { ExpressionFilter } from './expressionFilter';
export { parsePathSelector, parsePathSelectors, pathsMatch } from './patterns';
export { scrubSecrets } from './gitErrors';
