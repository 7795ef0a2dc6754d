cwlVersion: v1.2
class: Workflow
inputs:
  a: string
outputs: []
steps:
  s:
    run:
      class: CommandLineTool
      baseCommand: echo
      inputs:
        x: {type: string, inputBinding: {position: 1}}
      outputs: []
    in: {x: a_typo}
    out: []
