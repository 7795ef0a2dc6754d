cwlVersion: v1.2
class: Workflow
inputs:
  d: Directory
outputs:
  o:
    type: File
    outputSource: s/out
  d_out:
    type: Directory
    outputSource: d
steps:
  s:
    run:
      class: CommandLineTool
      baseCommand: cat
      arguments: [$(inputs.d.path)/a.txt, $(inputs.d.path)/inner/b.txt]
      inputs:
        d: Directory
      outputs:
        out: stdout
      stdout: out.txt
    in: {d: d}
    out: [out]
