cwlVersion: v1.2
class: Workflow
inputs:
  word: string
outputs:
  subout:
    type: File
    outputSource: inner/out
steps:
  inner:
    run: echo.cwl
    in:
      msg: word
    out: [out]
