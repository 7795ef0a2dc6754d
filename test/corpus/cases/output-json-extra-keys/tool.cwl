cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'echo "{\"declared\": 1, \"extra\": \"kept\"}" > cwl.output.json']
inputs: []
outputs:
  declared: int
