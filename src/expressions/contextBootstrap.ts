/**
 * JavaScript source run first in every sandbox context (before expressionLib),
 * and the rules for code that may be compiled in one.
 *
 * Why `import()` is refused by looking at source text: node:vm rejects a
 * dynamic import with an error object of the worker's realm (whatever
 * `importModuleDynamically` says, short of loading real modules), and that
 * error's `constructor.constructor` is the worker's unrestricted Function, so
 * an `import()` must never be compiled. Source reaches V8 in two ways only:
 * the expression and expressionLib (checked by the worker before compiling)
 * and code generation from strings inside the context (eval and the four
 * function constructors; wasm is disabled), which the bootstrap replaces with
 * guards that check the text they are given and then call the real ones.
 */

/**
 * `import` followed by what may start its argument list: `(` after optional
 * whitespace or a comment (`/*`, `//`, and the Annex B HTML-like `<!--` and
 * `-->`; any `/`, `<` or `-` is refused, to depend less on that list). In a
 * script, `import` can only be a dynamic import or a property name, and it
 * cannot be spelled with escapes (a SyntaxError), so this finds every
 * dynamic import; false positives such as `x.import(1)` or a string
 * "import (" are refused too.
 */
const IMPORT_PATTERN = String.raw`import\s*[(/<-]`;
const IMPORT_REGEX = new RegExp(IMPORT_PATTERN);

export const IMPORT_REFUSED = 'import() is not available in CWL expressions';

/** True when `source` could contain a dynamic `import()`. */
export function mayImport(source: string): boolean {
  return IMPORT_REGEX.test(source);
}

/**
 * The bootstrap. It captures the context's own intrinsics, installs the
 * code-generation guards, removes what could outlive an evaluation or escape
 * the memory bound (FinalizationRegistry callbacks run after the evaluation,
 * outside its timeout; SharedArrayBuffer and WebAssembly.Memory backing
 * stores are not counted in the worker's external memory), and defines the
 * non-writable global `__bespin` with:
 *
 * - `run(fn)`: calls `fn`, checks that the result is JSON data and serializes
 *   it, all inside the context, so getters, proxies and toJSON methods run
 *   within the evaluation's deadline and never in the worker's realm. It returns
 *   "R" + JSON text, or "E" + a description of the error.
 * - `heldError()`: describes the value given to `hold` (see below).
 *
 * The completion value is an object for the worker: `setData(json)` parses
 * `{"inputs", "self", "runtime"}` with the context's JSON.parse (the values
 * are data of the context's realm, with no path to the worker's) and defines
 * them as globals, returning "" or the reason it could not; `hold(value)`
 * keeps a value thrown by expressionLib for `__bespin.heldError()`, which
 * the worker runs as a script like any other (describing may call getters).
 * Neither runs document code.
 */
export const CONTEXT_BOOTSTRAP = String.raw`(function (global) {
  "use strict";
  var stringify = JSON.stringify;
  var parse = JSON.parse;
  var isArray = Array.isArray;
  var getPrototypeOf = Object.getPrototypeOf;
  var defineProperty = Object.defineProperty;
  var create = Object.create;
  var freeze = Object.freeze;
  var apply = Reflect.apply;
  var construct = Reflect.construct;
  var exec = RegExp.prototype.exec;
  var objectPrototype = Object.prototype;
  var SyntaxErrorCtor = SyntaxError;
  var toText = String;
  var importPattern = new RegExp(${JSON.stringify(IMPORT_PATTERN)});
  var invalid = {};
  var problem = "";
  var held;

  function refuseImport(source) {
    // exec itself, not test: test would look up a replaceable "exec".
    if (apply(exec, importPattern, [source]) !== null) {
      throw new SyntaxErrorCtor(${JSON.stringify(IMPORT_REFUSED)});
    }
  }

  // eval: the guard is not %eval%, so every call is an indirect eval (global
  // scope), as if written (0, eval)(code).
  var realEval = global.eval;
  function evalGuard(code) {
    if (typeof code !== "string") return code;
    refuseImport(code);
    return realEval(code);
  }
  defineProperty(global, "eval", { value: evalGuard, writable: true, configurable: true });

  // Function and its async/generator siblings: each argument is converted to
  // a string once, the text the constructor will compile is checked, and the
  // same strings are passed on (in a null-prototype array-like, so no
  // document code can change them between the check and the compilation).
  function guardConstructor(Real) {
    function guard() {
      var count = arguments.length;
      var args = create(null);
      var params = "";
      var body = "";
      for (var i = 0; i < count; i++) {
        var value = arguments[i];
        var text = typeof value === "symbol" ? value + "" : toText(value);
        args[i] = text;
        if (i === count - 1) body = text;
        else params = i === 0 ? text : params + "," + text;
      }
      args.length = count;
      refuseImport(params + "\n) {\n" + body);
      return new.target === undefined ? apply(Real, undefined, args) : construct(Real, args, new.target);
    }
    var prototype = Real.prototype;
    defineProperty(guard, "prototype", { value: prototype });
    defineProperty(guard, "name", { value: Real.name });
    defineProperty(guard, "length", { value: 1 });
    defineProperty(prototype, "constructor", { value: guard });
    return guard;
  }
  defineProperty(global, "Function", { value: guardConstructor(Function), writable: true, configurable: true });
  guardConstructor(getPrototypeOf(async function () {}).constructor);
  guardConstructor(getPrototypeOf(function* () {}).constructor);
  guardConstructor(getPrototypeOf(async function* () {}).constructor);

  delete global.FinalizationRegistry;
  delete global.SharedArrayBuffer;
  delete global.WebAssembly;

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

  function heldError() {
    return describe(held);
  }

  // Called after expressionLib: the descriptor has no prototype, so that
  // a "get" or "set" the library put on Object.prototype is not read from it.
  function setGlobal(name, value) {
    try {
      defineProperty(global, name, { __proto__: null, value: value, writable: true, enumerable: true, configurable: true });
      return "";
    } catch (error) {
      return "the global '" + name + "' was made read-only by expressionLib";
    }
  }

  function setData(json) {
    var data = parse(json);
    return setGlobal("inputs", data.inputs) || setGlobal("self", data.self) || setGlobal("runtime", data.runtime);
  }

  function hold(value) {
    held = value;
  }

  defineProperty(global, "__bespin", { value: freeze({ run: run, heldError: heldError }) });
  return freeze({ setData: setData, hold: hold });
})(globalThis)`;

/** Run in a context after `hold`, to describe what expressionLib threw there. */
export const DESCRIBE_HELD = '__bespin.heldError()';

/** The function body for `$(code)` or `${code}`. */
export function functionBody(kind: 'expression' | 'body', code: string): string {
  return kind === 'expression' ? `"use strict"; return (\n${code}\n);` : `"use strict";\n${code}\n`;
}

/**
 * The script that evaluates `body` (from functionBody) in a context. Only
 * sound for a body that parses on its own as a function body: otherwise the
 * code could close the function and run at the top level of the script.
 */
export function wrapBody(body: string): string {
  return `__bespin.run(function () {${body}})`;
}
