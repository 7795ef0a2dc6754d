cwlVersion: v1.2
class: CommandLineTool
requirements:
  InlineJavascriptRequirement: {}
baseCommand: echo
arguments: [hi]
inputs: []
outputs:
  out: stdout
stdout: $(42)
