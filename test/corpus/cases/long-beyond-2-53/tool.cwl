cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  num:
    type: long
    inputBinding: {}
stdout: out.txt
outputs:
  out: stdout
