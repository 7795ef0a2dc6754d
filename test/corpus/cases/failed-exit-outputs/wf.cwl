cwlVersion: v1.2
class: Workflow
inputs: []
outputs:
  first:
    type: File
    outputSource: one/out
  second:
    type: File
    outputSource: two/out
steps:
  one:
    run: tool.cwl
    in: {}
    out: [out]
  two:
    run:
      class: CommandLineTool
      baseCommand: [cat]
      inputs:
        f: {type: File, inputBinding: {position: 1}}
      stdout: copy.txt
      outputs: {out: stdout}
    in: {f: one/out}
    out: [out]
