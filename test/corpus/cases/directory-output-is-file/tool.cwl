cwlVersion: v1.2
class: CommandLineTool
baseCommand: [touch, result]
inputs: []
outputs:
  d:
    type: Directory
    outputBinding: {glob: result}
