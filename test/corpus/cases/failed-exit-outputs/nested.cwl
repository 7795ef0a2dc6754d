cwlVersion: v1.2
class: Workflow
requirements: {SubworkflowFeatureRequirement: {}}
inputs: []
outputs:
  top:
    type: File
    outputSource: sub/first
steps:
  sub:
    run: wf.cwl
    in: {}
    out: [first, second]
