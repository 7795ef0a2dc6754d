cwlVersion: v1.0
class: CommandLineTool
baseCommand: echo
requirements:
  InlineJavascriptRequirement: {}
inputs:
  a:
    type: string
    inputBinding:
      position: $(1)
  b:
    type: string
    inputBinding:
      position: 2
stdout: out.txt
outputs:
  out: stdout
