/** CWL documents the Kubernetes tests and benchmarks share. */

/**
 * A scatter over `words`, each step running `script` under `sh -c` in
 * debian:stable-slim with the word as $0 and the shared `notes` File as $1.
 */
export function wordsScatter(script: string): string {
  return `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs:
  words: string[]
  notes: File
outputs:
  said: {type: 'File[]', outputSource: say/said}
steps:
  say:
    scatter: word
    in: {word: words, notes: notes}
    out: [said]
    run:
      class: CommandLineTool
      hints: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}
      baseCommand: [sh, -c, '${script}']
      inputs:
        word: {type: string, inputBinding: {position: 1}}
        notes: {type: File, inputBinding: {position: 2}}
      outputs:
        said: stdout
`;
}

/** A scatter of `echo` over `items` in debian:stable-slim; `requirements` are the step tool's own (YAML flow mappings). */
export function echoScatter(requirements: Readonly<Record<string, string>> = {}): string {
  const reqs = Object.entries(requirements);
  return `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {items: 'string[]'}
outputs: {said: {type: 'File[]', outputSource: echo/said}}
steps:
  echo:
    scatter: message
    in: {message: items}
    out: [said]
    run:
      class: CommandLineTool
      hints: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}
${reqs.length > 0 ? `      requirements:\n${reqs.map(([k, v]) => `        ${k}: ${v}`).join('\n')}\n` : ''}      baseCommand: echo
      inputs: {message: {type: string, inputBinding: {position: 1}}}
      outputs: {said: stdout}
`;
}
