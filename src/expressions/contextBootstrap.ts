/**
 * JavaScript source run inside every sandbox context (before expressionLib).
 * It captures the context's own intrinsics and defines the non-writable
 * global `__bespin_run(fn)`, which calls `fn`, checks that the result is
 * JSON data and serializes it, all inside the context, so getters, proxies
 * and toJSON methods run under the vm timeout and never in the worker's realm.
 * `__bespin_run` returns "R" + JSON text, or "E" + a description of the error.
 * The script's completion value is the context's JSON.parse, used by the
 * worker to create inputs/self/runtime as objects of the context's realm.
 */
export const CONTEXT_BOOTSTRAP = String.raw`(function (global) {
  "use strict";
  var stringify = JSON.stringify;
  var parse = JSON.parse;
  var isArray = Array.isArray;
  var getPrototypeOf = Object.getPrototypeOf;
  var defineProperty = Object.defineProperty;
  var objectPrototype = Object.prototype;
  var toText = String;
  var invalid = {};
  var problem = "";

  function replacer(key, value) {
    var type = typeof value;
    if (type === "function" || type === "symbol" || type === "bigint") {
      problem = "a " + type;
      throw invalid;
    }
    if (type === "object" && value !== null && !isArray(value)) {
      var proto = getPrototypeOf(value);
      if (proto !== objectPrototype && proto !== null) {
        problem = "an object that is not a plain JSON object";
        throw invalid;
      }
    }
    return value;
  }

  function describe(error) {
    try {
      if (error !== null && typeof error === "object") {
        var message = error.message;
        if (typeof message === "string") {
          var name = error.name;
          return (typeof name === "string" && name !== "" ? name : "Error") + ": " + message;
        }
      }
      return "Uncaught " + toText(error);
    } catch (ignored) {
      return "Uncaught exception that cannot be printed";
    }
  }

  function run(fn) {
    var value;
    try {
      value = fn();
    } catch (error) {
      return "E" + describe(error);
    }
    var json;
    try {
      json = stringify(value, replacer);
    } catch (error) {
      if (error === invalid) return "Ethe result is not JSON data: it contains " + problem;
      return "Ethe result is not JSON data: " + describe(error);
    }
    return "R" + (json === undefined ? "null" : json);
  }

  defineProperty(global, "__bespin_run", { value: run });
  return parse;
})(globalThis)`;

/** Wraps the code of `$(code)` or `${code}` for evaluation in a context. */
export function wrapExpression(kind: 'expression' | 'body', code: string): string {
  return kind === 'expression'
    ? `__bespin_run(function () { "use strict"; return (\n${code}\n); })`
    : `__bespin_run(function () { "use strict";\n${code}\n})`;
}
