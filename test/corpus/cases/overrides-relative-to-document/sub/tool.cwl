cwlVersion: v1.2
class: CommandLineTool
baseCommand: printenv
arguments: [MYVAR]
inputs: []
stdout: out.txt
outputs:
  out: stdout
