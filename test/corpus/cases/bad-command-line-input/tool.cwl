cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  n: {type: int, inputBinding: {position: 1}}
outputs:
  out: stdout
