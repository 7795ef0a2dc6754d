cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  count: {type: int, inputBinding: {position: 1}}
outputs:
  out: stdout
