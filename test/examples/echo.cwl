cwlVersion: v1.2
class: CommandLineTool
doc: Prints a message; the smallest useful tool, used by the README's quick start.
baseCommand: echo
inputs:
  message:
    type: string
    inputBinding: {position: 1}
outputs:
  said:
    type: stdout
stdout: said.txt
