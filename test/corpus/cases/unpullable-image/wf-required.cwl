cwlVersion: v1.2
class: Workflow
inputs: []
outputs:
  out: {type: File, outputSource: step/out}
steps:
  step:
    run: required.cwl
    in: []
    out: [out]
