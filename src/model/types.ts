/**
 * The normalized, frozen CWL process model. The loader turns every short form
 * of the syntax (map forms, `File[]`, `File?`, `#id` references) into these
 * shapes, so later stages never re-interpret syntax.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type PrimitiveTypeName =
  | 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string'
  | 'File' | 'Directory' | 'Any' | 'stdout' | 'stderr';

export interface ArrayType {
  readonly type: 'array';
  readonly items: CwlType;
  readonly inputBinding?: CommandLineBinding;
  readonly name?: string;
}
export interface RecordField {
  readonly name: string;
  readonly type: CwlType;
  readonly inputBinding?: CommandLineBinding;
  readonly outputBinding?: OutputBinding;
  readonly secondaryFiles?: readonly SecondaryFileSchema[];
  readonly format?: string | readonly string[];
  readonly loadContents?: boolean;
  readonly loadListing?: LoadListing;
  readonly streamable?: boolean;
}
export interface RecordType {
  readonly type: 'record';
  readonly fields: readonly RecordField[];
  readonly name?: string;
  readonly inputBinding?: CommandLineBinding;
}
export interface EnumType {
  readonly type: 'enum';
  readonly symbols: readonly string[];
  readonly name?: string;
  readonly inputBinding?: CommandLineBinding;
}
export type CwlType = PrimitiveTypeName | ArrayType | RecordType | EnumType | readonly CwlType[];

export type LoadListing = 'no_listing' | 'shallow_listing' | 'deep_listing';

export interface SecondaryFileSchema {
  readonly pattern: string;
  readonly required?: boolean | string;
}

export interface CommandLineBinding {
  readonly position?: number | string;
  readonly prefix?: string;
  readonly separate?: boolean;
  readonly itemSeparator?: string;
  readonly valueFrom?: string;
  readonly shellQuote?: boolean;
  readonly loadContents?: boolean;
}

export interface OutputBinding {
  readonly glob?: string | readonly string[];
  readonly loadContents?: boolean;
  readonly loadListing?: LoadListing;
  readonly outputEval?: string;
}

export interface Parameter {
  readonly id: string;
  readonly type: CwlType;
  readonly label?: string;
  readonly doc?: string | readonly string[];
  readonly secondaryFiles?: readonly SecondaryFileSchema[];
  readonly format?: string | readonly string[];
  readonly streamable?: boolean;
}
export interface InputParameter extends Parameter {
  readonly default?: JsonValue;
  readonly inputBinding?: CommandLineBinding;
  readonly loadContents?: boolean;
  readonly loadListing?: LoadListing;
}
export interface OutputParameter extends Parameter {
  readonly outputBinding?: OutputBinding;
  readonly outputSource?: readonly string[];
  readonly linkMerge?: 'merge_nested' | 'merge_flattened';
  readonly pickValue?: 'first_non_null' | 'the_only_non_null' | 'all_non_null';
}

/** A requirement or hint: `class` plus its fields, as written. */
export interface Requirement {
  readonly class: string;
  readonly [field: string]: unknown;
}

export type CwlVersion = 'v1.0' | 'v1.1' | 'v1.2';

interface ProcessBase {
  readonly id: string;
  /** URI of the document the process came from; relative references resolve against it. */
  readonly baseUri: string;
  readonly cwlVersion: 'v1.2';
  /** Version the document was written in, before the in-memory upgrade. */
  readonly originalVersion: CwlVersion;
  readonly inputs: readonly InputParameter[];
  readonly outputs: readonly OutputParameter[];
  readonly requirements: readonly Requirement[];
  readonly hints: readonly Requirement[];
  readonly namespaces: Readonly<Record<string, string>>;
  /** URIs of the format ontologies named by the document's `$schemas`. */
  readonly schemas: readonly string[];
  readonly label?: string;
  readonly doc?: string | readonly string[];
}

export interface CommandLineTool extends ProcessBase {
  readonly class: 'CommandLineTool';
  readonly baseCommand: readonly string[];
  readonly arguments: readonly (string | CommandLineBinding)[];
  readonly stdin?: string;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly successCodes: readonly number[];
  readonly temporaryFailCodes: readonly number[];
  readonly permanentFailCodes: readonly number[];
}

export interface ExpressionTool extends ProcessBase {
  readonly class: 'ExpressionTool';
  readonly expression: string;
}

export interface Operation extends ProcessBase {
  readonly class: 'Operation';
}

export interface WorkflowStepInput {
  readonly id: string;
  readonly source: readonly string[];
  readonly linkMerge?: 'merge_nested' | 'merge_flattened';
  readonly pickValue?: 'first_non_null' | 'the_only_non_null' | 'all_non_null';
  readonly default?: JsonValue;
  readonly valueFrom?: string;
  readonly loadContents?: boolean;
  readonly loadListing?: LoadListing;
}

export interface WorkflowStep {
  readonly id: string;
  readonly in: readonly WorkflowStepInput[];
  readonly out: readonly string[];
  readonly run: Process;
  readonly requirements: readonly Requirement[];
  readonly hints: readonly Requirement[];
  readonly scatter: readonly string[];
  readonly scatterMethod?: 'dotproduct' | 'nested_crossproduct' | 'flat_crossproduct';
  readonly when?: string;
}

export interface Workflow extends ProcessBase {
  readonly class: 'Workflow';
  readonly steps: readonly WorkflowStep[];
}

export type Process = CommandLineTool | ExpressionTool | Workflow | Operation;

/** Runtime values of File and Directory objects. */
export interface FileValue {
  class: 'File';
  location: string;
  path?: string;
  basename?: string;
  dirname?: string;
  nameroot?: string;
  nameext?: string;
  size?: number;
  checksum?: string;
  format?: string;
  contents?: string;
  secondaryFiles?: (FileValue | DirectoryValue)[];
  [key: string]: unknown;
}
export interface DirectoryValue {
  class: 'Directory';
  location: string;
  path?: string;
  basename?: string;
  listing?: (FileValue | DirectoryValue)[];
  [key: string]: unknown;
}
export type FileOrDirectory = FileValue | DirectoryValue;

export function isFileOrDirectory(value: unknown): value is FileOrDirectory {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const cls = (value as { class?: unknown }).class;
  return cls === 'File' || cls === 'Directory';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
