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

/**
 * Three steps in a chain (one → two → three over a File), each appending its
 * name to `counter` when it starts; the third waits (at most 20 s) for the
 * file `gate`, so a test can kill the engine after two steps finished.
 * `hints` are the tools' own (a YAML flow mapping).
 */
export function gatedChain(counter: string, gate: string, hints = '{}'): string {
  const step = (name: string, source: string, script: string): string => `
  ${name}:
    in: {f: ${source}}
    out: [out]
    run:
      class: CommandLineTool
      hints: ${hints}
      inputs: {f: {type: File, inputBinding: {position: 1}}}
      baseCommand: [sh, -c, 'echo ${name} >> ${counter}; ${script}']
      outputs: {out: {type: File, outputBinding: {glob: out.txt}}}`;
  return `cwlVersion: v1.2
class: Workflow
inputs: {f: File}
outputs: {out: {type: File, outputSource: three/out}}
steps:${step('one', 'f', 'tr a-z A-Z < $0 > out.txt')}${step('two', 'one/out', 'rev < $0 > out.txt')}${step('three', 'two/out', `for i in $(seq 200); do [ -e ${gate} ] && break; sleep 0.1; done; cat $0 $0 > out.txt`)}
`;
}

/**
 * gatedChain for step pods, which see only what they are given: the third
 * step waits (at most 20 s) for a file `open` in its Directory input `gate`
 * (a mount of that directory, so it sees the file appear); a test follows the
 * steps by their pods rather than a counter.
 */
export function gatedPodChain(hints = '{}'): string {
  const step = (name: string, source: string, script: string, gate = false): string => `
  ${name}:
    in: {f: ${source}${gate ? ', gate: gate' : ''}}
    out: [out]
    run:
      class: CommandLineTool
      hints: ${hints}
      inputs: {f: {type: File, inputBinding: {position: 1}}${gate ? ', gate: {type: Directory, inputBinding: {position: 2}}' : ''}}
      baseCommand: [sh, -c, '${script}']
      outputs: {out: {type: File, outputBinding: {glob: out.txt}}}`;
  return `cwlVersion: v1.2
class: Workflow
inputs: {f: File, gate: Directory}
outputs: {out: {type: File, outputSource: three/out}}
steps:${step('one', 'f', 'tr a-z A-Z < $0 > out.txt')}${step('two', 'one/out', 'rev < $0 > out.txt')}${step('three', 'two/out', 'for i in `seq 200`; do [ -e $1/open ] && break; sleep 0.1; done; cat $0 $0 > out.txt', true)}
`;
}
