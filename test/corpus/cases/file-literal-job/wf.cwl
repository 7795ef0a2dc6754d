cwlVersion: v1.2
class: Workflow
inputs:
  f: File
outputs:
  o:
    type: File
    outputSource: s/out
steps:
  s:
    run:
      class: CommandLineTool
      baseCommand: cat
      inputs:
        f: {type: File, inputBinding: {position: 1}}
      outputs:
        out: stdout
      stdout: out.txt
    in: {f: f}
    out: [out]
