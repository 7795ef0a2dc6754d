cwlVersion: v1.2
class: Workflow
inputs:
  f: File
outputs: []
steps:
  s:
    run:
      class: CommandLineTool
      baseCommand: echo
      inputs:
        n: {type: int, inputBinding: {position: 1}}
      outputs: []
    in: {n: f}
    out: []
