cwlVersion: v1.2
class: Workflow
inputs: []
outputs:
  out:
    type: File
    outputSource: step1/out
steps:
  step1:
    run: tool.cwl
    in: []
    out: [out]
