cwlVersion: v1.2
class: Workflow
inputs: []
outputs:
  first:
    type: File
    outputSource: a/out
  second:
    type: File
    outputSource: b/out
steps:
  a:
    run: &echo
      class: CommandLineTool
      baseCommand: echo
      inputs:
        word: {type: string, inputBinding: {position: 1}}
      outputs:
        out: stdout
      stdout: out.txt
    in: {word: {default: first}}
    out: [out]
  b:
    run: *echo
    in: {word: {default: second}}
    out: [out]
