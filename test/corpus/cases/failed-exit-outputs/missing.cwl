cwlVersion: v1.2
class: CommandLineTool
baseCommand: []
arguments: [sh, -c, 'echo partial; exit 3']
stdout: partial.txt
inputs: []
outputs:
  out: stdout
  missing:
    type: File
    outputBinding: {glob: nothere.txt}
