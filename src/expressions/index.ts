export {
  ExpressionEngine,
  type EvaluateOptions,
  type ExpressionContext,
  type ExpressionEngineOptions,
} from './engine.js';
export { ExpressionError, RESIDENT_MEMORY_VARIABLE } from './errors.js';
export { cwlJsonDumps } from './jsonDumps.js';
export { isExpression } from './template.js';
