cwlVersion: v1.2
class: CommandLineTool
requirements:
  FancyAcceleratorRequirement: {}
baseCommand: echo
arguments: [hi]
inputs: []
outputs:
  out: stdout
