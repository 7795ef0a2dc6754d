cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  small: {type: double, inputBinding: {position: 1}}
  big: {type: double, inputBinding: {position: 2}}
  whole: {type: long, inputBinding: {position: 3}}
  plain: {type: float, inputBinding: {position: 4}}
outputs:
  out: stdout
stdout: numbers.txt
