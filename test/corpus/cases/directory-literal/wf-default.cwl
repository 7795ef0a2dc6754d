cwlVersion: v1.2
class: Workflow
inputs:
  d:
    type: Directory
    default:
      class: Directory
      basename: lit
      listing:
        - class: File
          basename: a.txt
          contents: "alpha\n"
        - class: Directory
          basename: inner
          listing:
            - class: File
              basename: b.txt
              contents: "beta\n"
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
