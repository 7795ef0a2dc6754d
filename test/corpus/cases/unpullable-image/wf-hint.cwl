cwlVersion: v1.2
class: Workflow
inputs: []
outputs:
  out: {type: File, outputSource: step/out}
steps:
  step:
    run: hint.cwl
    in: []
    out: [out]
