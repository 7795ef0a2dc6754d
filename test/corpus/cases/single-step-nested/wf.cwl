cwlVersion: v1.2
class: Workflow
requirements:
  SubworkflowFeatureRequirement: {}
inputs:
  text: string
outputs:
  final:
    type: File
    outputSource: sub/subout
steps:
  first:
    run: echo.cwl
    in:
      msg: text
    out: [out]
  sub:
    run: sub.cwl
    in:
      word: text
    out: [subout]
